using System.Globalization;
using TinyImage.Advisories;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>
/// Applies a <see cref="VerifyPolicy"/> to what was read from a binary (and, for an image, the registry's facts) and
/// produces the <see cref="VerificationResult"/> the reconciler and the <c>verify</c> verb report.
/// </summary>
/// <remarks>
/// Failures are checked in this order and the first names the result's reason; the message lists all of them:
/// SbomMissing / SbomMalformed, PackageDenied, RootPackageMismatch, AdvisoryFound / AdvisoryDatabaseUnavailable
/// (only with <see cref="AdvisoryAction.Deny"/>; with Warn what was found is added to the passing message), ImageTooLarge, NotScratchOnly.
/// A binary without a section (or not an executable format at all) fails only when the SBOM is required.
/// A section that is present but unreadable always fails as SbomMalformed: a broken SBOM is never silently accepted.
/// Package names are compared with <see cref="PackageNames.Equivalent"/> (case and <c>-</c>/<c>_</c> insensitive).
/// </remarks>
internal static class SbomPolicyEvaluator
{
    /// <summary>At most this many names are spelt out in a message (denied packages, extra files).</summary>
    public const int MaxListed = 10;

    /// <summary>At most this many advisories are spelt out in a message (the full list is in the CycloneDX document).</summary>
    public const int MaxAdvisoriesListed = 5;

    /// <summary>The most packages an SBOM may list (the JSON itself is capped at 8 MiB when it is inflated).</summary>
    public const int MaxPackages = 10_000;

    /// <summary>
    /// The largest CycloneDX document kept (UTF-8 bytes): below the 1 MiB Kubernetes allows a ConfigMap, leaving room for
    /// its metadata. A larger one is refused as <see cref="VerificationReasons.SbomTooLarge"/>, not written and refused by the API.
    /// </summary>
    public const int MaxCycloneDxBytes = 900 * 1024;

    public static VerificationResult Evaluate(VerifyPolicy policy, SbomOutcome<AuditData> sbom, ImageFacts? image) =>
        Evaluate(policy, sbom, image, null, default);

    /// <summary>
    /// Applies the policy; when it has <see cref="VerifyPolicy.Advisories"/>, audits the SBOM against
    /// <paramref name="database"/> (null: none loaded yet) with ignore entries judged at <paramref name="now"/>.
    /// </summary>
    public static VerificationResult Evaluate(VerifyPolicy policy, SbomOutcome<AuditData> sbom, ImageFacts? image, AdvisoryDatabase? database, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sbom);
        var failures = new List<(string Reason, string Message)>();
        var notes = new List<string>();
        AdvisoryReport? report = null;

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

            if (policy.Advisories is { } advisories)
            {
                report = AuditAdvisories(advisories, data, database, now, failures, notes);
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
        string? cycloneDx = null;
        if (sbom.IsSuccess && sbom.Value.Packages.Length > MaxPackages)
        {
            failures.Insert(0, (VerificationReasons.SbomTooLarge, string.Create(CultureInfo.InvariantCulture, $"The SBOM lists {sbom.Value.Packages.Length} packages, over the limit of {MaxPackages}.")));
        }
        else if (sbom.IsSuccess)
        {
            cycloneDx = CycloneDxWriter.Write(sbom.Value, image, report is null ? null : AdvisoryAuditor.ToCycloneDx(report));
            var bytes = System.Text.Encoding.UTF8.GetByteCount(cycloneDx);
            if (bytes > MaxCycloneDxBytes)
            {
                cycloneDx = null;
                failures.Insert(0, (VerificationReasons.SbomTooLarge, string.Create(CultureInfo.InvariantCulture, $"The SBOM's CycloneDX document is {bytes} bytes, over the {MaxCycloneDxBytes} bytes the SBOM ConfigMap can hold (Kubernetes caps a ConfigMap at 1 MiB).")));
            }
        }

        if (failures.Count == 0)
        {
            var message = summary is not null
                ? $"The SBOM lists {summary.PackageCount} package{(summary.PackageCount == 1 ? "" : "s")} with root {summary.RootPackage}; the policy passed."
                : "The binary carries no SBOM, which the policy does not require; the policy passed.";
            if (notes.Count > 0)
            {
                message += " " + string.Join(" ", notes);
            }

            return new VerificationResult(true, VerificationReasons.Verified, message, image?.TotalSizeBytes, image?.LayerCount, summary, cycloneDx) { Advisories = report };
        }

        return new VerificationResult(false, failures[0].Reason, string.Join(" ", failures.Select(f => f.Message)), image?.TotalSizeBytes, image?.LayerCount, summary, cycloneDx) { Advisories = report };
    }

    private static AdvisoryReport? AuditAdvisories(
        AdvisoryPolicy advisories, AuditData data, AdvisoryDatabase? database, DateTimeOffset now, List<(string Reason, string Message)> failures, List<string> notes)
    {
        if (database is null)
        {
            if (advisories.Action == AdvisoryAction.Deny)
            {
                failures.Add((VerificationReasons.AdvisoryDatabaseUnavailable, "No advisory database is loaded yet; with advisories.action Deny the image waits until one is."));
            }
            else
            {
                notes.Add("No advisory database is loaded; advisories were not checked.");
            }

            return null;
        }

        var report = AdvisoryAuditor.Audit(database, data, advisories, now);
        var counted = report.Counted;
        if (counted.Count > 0)
        {
            var listed = counted.Take(MaxAdvisoriesListed).Select(f => f.Describe()).ToList();
            var more = counted.Count > MaxAdvisoriesListed ? $" and {counted.Count - MaxAdvisoriesListed} more" : "";
            var text = $"{counted.Count} advisor{(counted.Count == 1 ? "y" : "ies")} found: {string.Join("; ", listed)}{more}.";
            if (advisories.Action == AdvisoryAction.Deny)
            {
                failures.Add((VerificationReasons.AdvisoryFound, text));
            }
            else
            {
                notes.Add("Warning: " + text);
            }
        }

        return report;
    }

    private static string List(IReadOnlyList<string> items) =>
        items.Count <= MaxListed
            ? string.Join(", ", items)
            : string.Join(", ", items.Take(MaxListed)) + $" and {items.Count - MaxListed} more";
}
