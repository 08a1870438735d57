namespace TinyImage.Operator.Controllers;

/// <summary>Where the build of the current hash stands.</summary>
internal enum BuildState
{
    /// <summary>The Job runs (or is being created, or an old one is going away for a retry).</summary>
    Running,
    Succeeded,
    Failed,
    TimedOut,

    /// <summary>The Job succeeded but reported no valid <c>sha256:</c> digest.</summary>
    InvalidDigest,

    /// <summary>A write lost a race (409): retry the pass with backoff.</summary>
    Conflict,
}

/// <summary>The build step's outcome: the state, the digest once known, and a sentence for the conditions.</summary>
internal sealed record BuildResult(BuildState State, string? Digest, string Message)
{
    public bool IsFailure => State is BuildState.Failed or BuildState.TimedOut or BuildState.InvalidDigest;
}
