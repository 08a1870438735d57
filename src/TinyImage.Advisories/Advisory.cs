namespace TinyImage.Advisories;

/// <summary>
/// One advisory of the RustSec Advisory Database: its <c>[advisory]</c>, <c>[affected]</c> and <c>[versions]</c>
/// front matter and the title of its Markdown body (the description itself is not kept).
/// </summary>
public sealed record Advisory
{
    /// <summary><c>RUSTSEC-YYYY-NNNN</c> (or a CVE id in the <c>rust/</c> collection).</summary>
    public required string Id { get; init; }

    /// <summary>The crate (or toolchain component) the advisory is about.</summary>
    public required string Package { get; init; }

    /// <summary>The part of the database it comes from.</summary>
    public required AdvisoryCollection Collection { get; init; }

    /// <summary>The date of the advisory, <c>YYYY-MM-DD</c> as written.</summary>
    public required string Date { get; init; }

    /// <summary>The first Markdown heading of the body, empty when there is none.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>The URL of the original report, when given.</summary>
    public string? Url { get; init; }

    /// <summary>Other ids of the same vulnerability (CVE, GHSA).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Ids of related but different vulnerabilities.</summary>
    public IReadOnlyList<string> Related { get; init; } = [];

    /// <summary>RustSec categories (<c>memory-corruption</c>, <c>denial-of-service</c>, ...).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Free-form keywords.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>Further reference URLs.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>The CVSS vector with its computed score, or null when the advisory gives none.</summary>
    public Cvss? Cvss { get; init; }

    /// <summary>The severity: from <see cref="Cvss"/>, else <see cref="CvssSeverity.Unknown"/>.</summary>
    public CvssSeverity Severity => Cvss?.Severity ?? CvssSeverity.Unknown;

    /// <summary>Whether this is informational (unmaintained, unsound, notice) rather than a vulnerability.</summary>
    public InformationalKind Informational { get; init; }

    /// <summary>The <c>informational</c> value as written, or null when absent.</summary>
    public string? InformationalText { get; init; }

    /// <summary>The date the advisory was withdrawn, or null; a withdrawn advisory never matches.</summary>
    public string? Withdrawn { get; init; }

    /// <summary>Whether the advisory was withdrawn.</summary>
    public bool IsWithdrawn => Withdrawn is not null;

    /// <summary>Requirements naming the versions that fix the issue.</summary>
    public IReadOnlyList<VersionRequirement> Patched { get; init; } = [];

    /// <summary>Requirements naming versions never affected.</summary>
    public IReadOnlyList<VersionRequirement> Unaffected { get; init; } = [];

    /// <summary><c>[affected] functions</c>: function paths and the requirements of the versions where they are affected.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<VersionRequirement>> AffectedFunctions { get; init; } =
        new Dictionary<string, IReadOnlyList<VersionRequirement>>(StringComparer.Ordinal);

    /// <summary><c>[affected] os</c>: the operating systems affected (empty: all).</summary>
    public IReadOnlyList<string> AffectedOs { get; init; } = [];

    /// <summary><c>[affected] arch</c>: the CPU architectures affected (empty: all).</summary>
    public IReadOnlyList<string> AffectedArch { get; init; } = [];

    /// <summary>
    /// cargo-audit's rule: a version is affected unless it satisfies a patched or an unaffected requirement.
    /// Withdrawn advisories affect nothing.
    /// </summary>
    public bool Affects(SemVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (IsWithdrawn)
        {
            return false;
        }

        return !AnyMatches(Patched, version) && !AnyMatches(Unaffected, version);
    }

    private static bool AnyMatches(IReadOnlyList<VersionRequirement> requirements, SemVersion version)
    {
        for (var i = 0; i < requirements.Count; i++)
        {
            if (requirements[i].Matches(version))
            {
                return true;
            }
        }

        return false;
    }
}
