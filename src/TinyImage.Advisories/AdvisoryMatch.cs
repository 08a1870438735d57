namespace TinyImage.Advisories;

/// <summary>A package version that an advisory affects.</summary>
/// <param name="Package">The package name as audited.</param>
/// <param name="Version">The version as audited.</param>
/// <param name="Advisory">The advisory that affects it.</param>
public sealed record AdvisoryMatch(string Package, string Version, Advisory Advisory)
{
    /// <summary>The advisory's id.</summary>
    public string Id => Advisory.Id;

    /// <summary>The requirements of the versions that fix it, as written (empty: no fixed version).</summary>
    public IReadOnlyList<string> Patched => [.. Advisory.Patched.Select(r => r.Text)];

    /// <summary>Whether the advisory is informational, and of which kind.</summary>
    public InformationalKind Informational => Advisory.Informational;

    /// <summary>The advisory's severity (from its CVSS vector).</summary>
    public CvssSeverity Severity => Advisory.Severity;

    /// <summary>Other ids of the same issue (CVE, GHSA).</summary>
    public IReadOnlyList<string> Aliases => Advisory.Aliases;
}
