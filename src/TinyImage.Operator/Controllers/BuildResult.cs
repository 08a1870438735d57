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

    /// <summary>An object this TinyImage does not control holds the build's Job or ConfigMap name.</summary>
    Blocked,
}

/// <summary>
/// The build step's outcome: the state, the digest once known, a sentence for the conditions, the object in the way
/// (state Blocked), and a named reason when Kubernetes says why a build cannot start or died (null: the state's own).
/// </summary>
internal sealed record BuildResult(BuildState State, string? Digest, string Message, StepProblem? Blocked = null, string? Reason = null)
{
    public static BuildResult Of(StepProblem blocked) => new(BuildState.Blocked, null, blocked.Message, blocked);

    public bool IsFailure => State is BuildState.Failed or BuildState.TimedOut or BuildState.InvalidDigest;
}
