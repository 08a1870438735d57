namespace TinyImage.Kube;

/// <summary>What <see cref="ChildWriter.CreateOrUpdateAsync{T}"/> did.</summary>
public enum ApplyOutcome
{
    /// <summary>The object exists, is ours and already matches: nothing was written.</summary>
    Unchanged,

    /// <summary>Created; the result carries the server's copy (none when the caller asked for the outcome only).</summary>
    Created,

    /// <summary>Updated; the result carries the server's copy.</summary>
    Updated,

    /// <summary>An object not controlled by the owner holds the name: nothing was written; the result carries it.</summary>
    NotOurs,

    /// <summary>A write lost a race (409, or the object went away meanwhile): retry the pass with backoff.</summary>
    Conflict,
}
