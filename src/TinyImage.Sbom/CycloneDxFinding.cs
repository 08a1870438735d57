namespace TinyImage.Sbom;

/// <summary>
/// A vulnerability found in a package of the SBOM, as <see cref="CycloneDxWriter"/> takes it: the writer resolves
/// <see cref="Package"/> and <see cref="Version"/> to the components' bom-refs.
/// </summary>
/// <param name="Package">The package name as in the SBOM.</param>
/// <param name="Version">The package version as in the SBOM.</param>
/// <param name="Vulnerability">The entry to write; its <c>affects</c> is filled in by the writer.</param>
public sealed record CycloneDxFinding(string Package, string Version, CycloneDxVulnerability Vulnerability);
