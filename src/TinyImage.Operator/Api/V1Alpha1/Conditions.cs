namespace TinyImage.Operator.Api.V1Alpha1;

/// <summary>Condition types and reasons, in one place. SBOM reasons are in Verification.VerificationReasons.</summary>
internal static class Conditions
{
    // kstatus
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    // steps
    public const string Built = "Built";
    public const string SbomVerified = "SbomVerified";
    public const string Deployed = "Deployed";

    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    // reasons
    public const string ReasonPending = "Pending";
    public const string ReasonBuilding = "Building";
    public const string ReasonBuildSucceeded = "BuildSucceeded";
    public const string ReasonBuildFailed = "BuildFailed";
    public const string ReasonBuildTimedOut = "BuildTimedOut";
    public const string ReasonInvalidDigest = "InvalidDigest";
    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonSourceNotFound = "SourceNotFound";
    public const string ReasonSecretNotFound = "SecretNotFound";
    public const string ReasonVerifying = "Verifying";
    public const string ReasonDeploying = "Deploying";
    public const string ReasonAvailable = "Available";
    public const string ReasonUnavailable = "Unavailable";
    public const string ReasonReady = "Ready";
    public const string ReasonWaitingForVerification = "WaitingForVerification";
}
