namespace TinyImage.Operator.Kube;

/// <summary>The kind-independent face of an informer, for starting it and waiting for its first sync.</summary>
internal interface IInformer
{
    string Kind { get; }

    bool HasSynced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
