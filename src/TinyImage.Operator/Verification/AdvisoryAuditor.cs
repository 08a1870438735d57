using TinyImage.Advisories;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>Audits an SBOM's packages against the advisory database and applies an <see cref="AdvisoryPolicy"/>.</summary>
internal static class AdvisoryAuditor
{
    public static AdvisoryReport Audit(AdvisoryDatabase database, AuditData data, AdvisoryPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Audit(database, data.Packages.Select(p => (p.Name, p.Version)), policy, now);
    }

    /// <summary>Audits packages given as name and version (a kept <see cref="PackageList"/>): the same findings as the SBOM's audit.</summary>
    public static AdvisoryReport Audit(AdvisoryDatabase database, IEnumerable<(string Name, string Version)> packages, AdvisoryPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = database.Audit(packages)
            .Select(m => new AdvisoryFinding(m, StatusOf(m, policy, now)))
            .OrderBy(f => f.Status)
            .ThenByDescending(f => f.Match.Severity)
            .ThenBy(f => f.Match.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Match.Package, StringComparer.Ordinal)
            .ToList();
        return new AdvisoryReport(database.Revision, findings);
    }

    private static AdvisoryFindingStatus StatusOf(AdvisoryMatch match, AdvisoryPolicy policy, DateTimeOffset now)
    {
        if (policy.Ignore.Any(i => i.AppliesAt(now) && (i.Id == match.Id || match.Aliases.Contains(i.Id, StringComparer.Ordinal))))
        {
            return AdvisoryFindingStatus.Ignored;
        }

        if (match.Informational != InformationalKind.None && !policy.Informational)
        {
            return AdvisoryFindingStatus.Informational;
        }

        if (policy.MinSeverity is { } min && match.Severity != CvssSeverity.Unknown && match.Severity < min)
        {
            return AdvisoryFindingStatus.BelowMinSeverity;
        }

        return AdvisoryFindingStatus.Counted;
    }

    /// <summary>The findings as CycloneDX 1.6 vulnerabilities (source RustSec, the CVSS rating, the patched versions).</summary>
    public static IReadOnlyList<CycloneDxFinding> ToCycloneDx(AdvisoryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rustsec = new CycloneDxSource("RustSec", "https://rustsec.org/");
        return
        [
            .. report.Findings.Select(f =>
            {
                var a = f.Match.Advisory;
                var rating = a.Cvss is { } cvss
                    ? new CycloneDxRating(rustsec, cvss.BaseScore, SeverityName(cvss.Severity), cvss.Version switch { "3.0" => "CVSSv3", "3.1" => "CVSSv31", "4.0" => "CVSSv4", _ => "other" }, cvss.Vector)
                    : new CycloneDxRating(rustsec, null, "unknown", null, null);
                var vulnerability = new CycloneDxVulnerability(
                    a.Id,
                    new CycloneDxSource("RustSec", $"https://rustsec.org/advisories/{a.Id}.html"),
                    a.Aliases.Count == 0 ? null : [.. a.Aliases.Select(alias => new CycloneDxReference(alias, AliasSource(alias)))],
                    [rating],
                    string.IsNullOrEmpty(a.Title) ? null : a.Title,
                    a.Patched.Count == 0 ? "No patched version is available." : "Upgrade to " + string.Join(" or ", f.Match.Patched) + ".",
                    a.Date,
                    [],
                    [
                        new CycloneDxProperty("tinyimage.dev:advisory:status", f.Status.ToString()),
                        new CycloneDxProperty("tinyimage.dev:advisory:informational", a.Informational.ToString()),
                        new CycloneDxProperty("tinyimage.dev:advisory-db:revision", report.Revision),
                    ]);
                return new CycloneDxFinding(f.Match.Package, f.Match.Version, vulnerability);
            }),
        ];
    }

    private static string SeverityName(CvssSeverity severity) => severity switch
    {
        CvssSeverity.Critical => "critical",
        CvssSeverity.High => "high",
        CvssSeverity.Medium => "medium",
        CvssSeverity.Low => "low",
        CvssSeverity.None => "none",
        _ => "unknown",
    };

    private static CycloneDxSource AliasSource(string alias) =>
        alias.StartsWith("CVE-", StringComparison.Ordinal) ? new CycloneDxSource("NVD", $"https://nvd.nist.gov/vuln/detail/{alias}")
        : alias.StartsWith("GHSA-", StringComparison.Ordinal) ? new CycloneDxSource("GitHub", $"https://github.com/advisories/{alias}")
        : new CycloneDxSource("other", null);
}
