using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>An advisory matching a package of the SBOM, and how the policy treats it.</summary>
internal sealed record AdvisoryFinding(AdvisoryMatch Match, AdvisoryFindingStatus Status)
{
    /// <summary><c>RUSTSEC-2019-0024 rustsec-example-crate 0.0.1 (patched: &gt;= 1.0.0)</c>, or <c>(no patched version)</c>.</summary>
    public string Describe() =>
        $"{Match.Id} {Match.Package} {Match.Version} ({(Match.Patched.Count == 0 ? "no patched version" : "patched: " + string.Join(" or ", Match.Patched))})";

    /// <summary>The severity as lower-case text (<c>unknown</c> when the advisory gives no CVSS vector).</summary>
    public string SeverityText => Match.Severity.ToString().ToLowerInvariant();
}
