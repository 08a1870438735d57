namespace TinyImage.Operator.Controllers;

/// <summary>Where verification of the built digest stands.</summary>
internal enum VerifyState
{
    /// <summary>The digest needs verifying: this pass announces phase Verifying and the next one verifies.</summary>
    Announce,
    Verified,

    /// <summary>The image was refused (policy, SBOM): needs a spec change or a retry annotation.</summary>
    Refused,

    /// <summary>The registry could not be reached: look again later.</summary>
    Unavailable,

    /// <summary>Writing the SBOM ConfigMap lost a race (409): retry the pass with backoff.</summary>
    Conflict,

    /// <summary>An object this TinyImage does not control holds the SBOM ConfigMap's name.</summary>
    Blocked,
}

/// <summary>The verify step's outcome, with the condition reason and message.</summary>
internal sealed record VerifyResult(VerifyState State, string Reason, string Message, StepProblem? Blocked = null)
{
    public static VerifyResult Of(StepProblem blocked) => new(VerifyState.Blocked, blocked.Reason, blocked.Message, blocked);
}
