namespace TinyImage.Kube;

/// <summary>The kind-independent face of an informer, for starting it and waiting for its first sync.</summary>
public interface IInformer
{
    string Kind { get; }

    bool HasSynced { get; }

    /// <summary>Completes when the first list of every namespace is in the cache.</summary>
    Task Synced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
