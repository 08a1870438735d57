namespace TinyImage.Operator.Verification;

/// <summary>The verification policy, mapped from the TinyImage's <c>verify</c> block.</summary>
/// <param name="RequireSbom">The binary must carry a cargo-auditable <c>.dep-v0</c> section.</param>
/// <param name="DenyPackages">Package names that must not appear anywhere in the dependency list.</param>
/// <param name="MaxImageSizeBytes">Upper bound for the image's total compressed size (manifest layers plus config), or null.</param>
/// <param name="ScratchOnly">The image may hold nothing but <c>/bin/&lt;binary&gt;</c> (and the directories leading to it).</param>
/// <param name="ExpectedRootPackage">The root package name the SBOM must declare (the binary's crate), or null to skip that check.</param>
internal sealed record VerifyPolicy(
    bool RequireSbom,
    IReadOnlyList<string> DenyPackages,
    long? MaxImageSizeBytes,
    bool ScratchOnly,
    string? ExpectedRootPackage)
{
    /// <summary>The advisory policy, or null: the SBOM is not audited against the advisory database.</summary>
    public AdvisoryPolicy? Advisories { get; init; }

    /// <summary>The defaults of the recipe: SBOM required, nothing denied, no size cap, scratch-only off.</summary>
    public static VerifyPolicy Default { get; } = new(true, [], null, false, null);
}
