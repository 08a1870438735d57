using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>The audit of one SBOM against the advisory database, under an <see cref="AdvisoryPolicy"/>.</summary>
/// <param name="Revision">The database revision audited against.</param>
/// <param name="Findings">Every matching advisory with how the policy treats it, counted ones first.</param>
internal sealed record AdvisoryReport(string Revision, IReadOnlyList<AdvisoryFinding> Findings)
{
    /// <summary>The advisories the policy counts.</summary>
    public IReadOnlyList<AdvisoryFinding> Counted => [.. Findings.Where(f => f.Status == AdvisoryFindingStatus.Counted)];

    /// <summary>Counted advisories of a severity.</summary>
    public int CountOf(CvssSeverity severity) => Findings.Count(f => f.Status == AdvisoryFindingStatus.Counted && f.Match.Severity == severity);
}
