namespace TinyImage.Operator.Verification;

/// <summary>Condition reasons for the <c>SbomVerified</c> condition. Constants in one place.</summary>
internal static class VerificationReasons
{
    public const string Verified = "Verified";
    public const string SbomMissing = "SbomMissing";
    public const string SbomMalformed = "SbomMalformed";
    public const string PackageDenied = "PackageDenied";
    public const string RootPackageMismatch = "RootPackageMismatch";
    public const string ImageTooLarge = "ImageTooLarge";
    public const string NotScratchOnly = "NotScratchOnly";
    public const string BinaryNotFound = "BinaryNotFound";
    public const string DigestMismatch = "DigestMismatch";
    public const string RegistryUnauthorized = "RegistryUnauthorized";
    public const string RegistryUnavailable = "RegistryUnavailable";

    /// <summary>The operator's outbound policy refused the registry, a redirect target or the token realm (a denied address, or a realm over plain HTTP).</summary>
    public const string RegistryDestinationRefused = "RegistryDestinationRefused";

    /// <summary>The operator's own scratch directory (<c>--temp-dir</c>) cannot be used: not the image's fault; retried, never cached.</summary>
    public const string ScratchSpaceUnavailable = "ScratchSpaceUnavailable";
    public const string ImageMalformed = "ImageMalformed";

    /// <summary>
    /// The SBOM lists more packages than the operator accepts, or its CycloneDX document would not fit the SBOM ConfigMap
    /// (Kubernetes caps a ConfigMap at 1 MiB): refused with both numbers, never retried in a loop.
    /// </summary>
    public const string SbomTooLarge = "SbomTooLarge";

    /// <summary>With <c>advisories.action: Deny</c>, the SBOM has a counted advisory: the image is refused.</summary>
    public const string AdvisoryFound = "AdvisoryFound";

    /// <summary>With <c>advisories.action: Deny</c>, no advisory database is loaded yet: the image waits (retried, never cached).</summary>
    public const string AdvisoryDatabaseUnavailable = "AdvisoryDatabaseUnavailable";

    /// <summary>Reading the image took longer than the verification deadline (<c>--verify-timeout</c>): a slow or stalling registry; retried, never cached.</summary>
    public const string VerificationTimedOut = "VerificationTimedOut";

    /// <summary>Reasons that say nothing about the image: the reconciler retries them and never deploys on them.</summary>
    public static bool IsTransient(string reason) => reason is RegistryUnavailable or ScratchSpaceUnavailable or AdvisoryDatabaseUnavailable or VerificationTimedOut;
}
