namespace TinyImage.Kube;

/// <summary>The kind-independent face of an informer, for starting it and waiting for its first sync.</summary>
public interface IInformer
{
    string Kind { get; }

    bool HasSynced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
