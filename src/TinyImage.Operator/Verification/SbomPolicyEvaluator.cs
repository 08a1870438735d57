using System.Globalization;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>
/// Applies a <see cref="VerifyPolicy"/> to what was read from a binary (and, for an image, the registry's facts) and
/// produces the <see cref="VerificationResult"/> the reconciler and the <c>verify</c> verb report.
/// </summary>
/// <remarks>
/// Failures are checked in this order and the first names the result's reason; the message lists all of them:
/// SbomMissing / SbomMalformed, PackageDenied, RootPackageMismatch, ImageTooLarge, NotScratchOnly.
/// A binary without a section (or not an executable format at all) fails only when the SBOM is required.
/// A section that is present but unreadable always fails as SbomMalformed: a broken SBOM is never silently accepted.
/// Package names are compared with <see cref="PackageNames.Equivalent"/> (case and <c>-</c>/<c>_</c> insensitive).
/// </remarks>
internal static class SbomPolicyEvaluator
{
    /// <summary>At most this many names are spelt out in a message (denied packages, extra files).</summary>
    public const int MaxListed = 10;

    public static VerificationResult Evaluate(VerifyPolicy policy, SbomOutcome<AuditData> sbom, ImageFacts? image)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sbom);
        var failures = new List<(string Reason, string Message)>();

        if (!sbom.IsSuccess)
        {
            var missing = sbom.Failure.Error is SbomError.NoAuditData or SbomError.UnknownBinaryFormat;
            if (!missing)
            {
                failures.Add((VerificationReasons.SbomMalformed, $"The embedded SBOM is unreadable ({sbom.Failure.Error}): {sbom.Failure.Message}"));
            }
            else if (policy.RequireSbom)
            {
                failures.Add((VerificationReasons.SbomMissing, $"The binary carries no cargo-auditable SBOM: {sbom.Failure.Message}"));
            }
        }
        else
        {
            var data = sbom.Value;
            var denied = data.Packages
                .Where(p => policy.DenyPackages.Any(d => PackageNames.Equivalent(d, p.Name)))
                .Select(p => $"{p.Name} {p.Version} ({p.Source})")
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (denied.Count > 0)
            {
                failures.Add((VerificationReasons.PackageDenied, $"The SBOM contains denied package{(denied.Count == 1 ? "" : "s")}: {List(denied)}."));
            }

            if (policy.ExpectedRootPackage is { } expected && !PackageNames.Equivalent(expected, data.Root.Name))
            {
                failures.Add((VerificationReasons.RootPackageMismatch, $"The SBOM's root package is {data.Root.Name} {data.Root.Version}, not {expected}."));
            }
        }

        if (image is not null && policy.MaxImageSizeBytes is { } max && image.TotalSizeBytes > max)
        {
            failures.Add((VerificationReasons.ImageTooLarge, string.Create(CultureInfo.InvariantCulture, $"The image is {image.TotalSizeBytes} bytes, over the limit of {max} bytes.")));
        }

        if (image is not null && policy.ScratchOnly && image.OtherFiles.Count > 0)
        {
            failures.Add((VerificationReasons.NotScratchOnly, $"The image holds {image.OtherFiles.Count} file{(image.OtherFiles.Count == 1 ? "" : "s")} besides the binary: {List([.. image.OtherFiles.Order(StringComparer.Ordinal)])}."));
        }

        var summary = sbom.IsSuccess
            ? new SbomSummary(sbom.Value.Packages.Length, $"{sbom.Value.Root.Name} {sbom.Value.Root.Version}", (int)Math.Min(sbom.Value.Format, int.MaxValue))
            : null;
        var cycloneDx = sbom.IsSuccess ? CycloneDxWriter.Write(sbom.Value, image) : null;

        if (failures.Count == 0)
        {
            var message = summary is not null
                ? $"The SBOM lists {summary.PackageCount} package{(summary.PackageCount == 1 ? "" : "s")} with root {summary.RootPackage}; the policy passed."
                : "The binary carries no SBOM, which the policy does not require; the policy passed.";
            return new VerificationResult(true, VerificationReasons.Verified, message, image?.TotalSizeBytes, image?.LayerCount, summary, cycloneDx);
        }

        return new VerificationResult(false, failures[0].Reason, string.Join(" ", failures.Select(f => f.Message)), image?.TotalSizeBytes, image?.LayerCount, summary, cycloneDx);
    }

    private static string List(IReadOnlyList<string> items) =>
        items.Count <= MaxListed
            ? string.Join(", ", items)
            : string.Join(", ", items.Take(MaxListed)) + $" and {items.Count - MaxListed} more";
}
