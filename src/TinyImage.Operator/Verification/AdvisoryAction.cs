namespace TinyImage.Operator.Verification;

/// <summary>What a counted advisory does to verification.</summary>
internal enum AdvisoryAction
{
    /// <summary>The image deploys; the condition message and an Event say what was found.</summary>
    Warn,

    /// <summary>The image is refused (<c>AdvisoryFound</c>); the previous verified digest keeps serving.</summary>
    Deny,
}
