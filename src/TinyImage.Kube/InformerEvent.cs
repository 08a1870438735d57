namespace TinyImage.Kube;

/// <summary>What happened to a cached object.</summary>
public enum InformerEventType
{
    Added,
    Updated,
    Deleted,

    /// <summary>The periodic resync: nothing changed, look again.</summary>
    Resync,
}

/// <summary>A change of the informer's cache, handed to its handlers.</summary>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? Old)
    where T : class;
