namespace TinyImage.Operator.Verification;

/// <summary>The outcome of verifying one image.</summary>
/// <param name="Passed">True when the image may be deployed.</param>
/// <param name="Reason">A CamelCase condition reason: <c>Verified</c> when passed, else one of <see cref="VerificationReasons"/>.</param>
/// <param name="Message">A sentence for a person (names the denied package, both sizes, ...).</param>
/// <param name="ImageSizeBytes">Total compressed size of the image (layers plus config), when known.</param>
/// <param name="LayerCount">Number of layers, when known.</param>
/// <param name="Sbom">Summary of the embedded SBOM, when one was read.</param>
/// <param name="CycloneDxJson">The SBOM as CycloneDX 1.6 JSON, when one was read.</param>
internal sealed record VerificationResult(
    bool Passed,
    string Reason,
    string Message,
    long? ImageSizeBytes,
    int? LayerCount,
    SbomSummary? Sbom,
    string? CycloneDxJson)
{
    /// <summary>The advisory audit, when the policy asked for one and a database was loaded.</summary>
    public AdvisoryReport? Advisories { get; init; }
}

/// <summary>A short summary of an SBOM, for the TinyImage's status.</summary>
/// <param name="PackageCount">Number of packages in the SBOM.</param>
/// <param name="RootPackage">The root package as <c>name version</c>.</param>
/// <param name="Format">The cargo-auditable <c>format</c> value (0 when omitted).</param>
internal sealed record SbomSummary(int PackageCount, string RootPackage, int Format);
