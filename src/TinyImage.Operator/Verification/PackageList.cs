using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The packages of one image's SBOM, as little as the re-audit needs: name and version, interned, each pair once.
/// Immutable. Built from the CycloneDX document the operator wrote for the image, so a list rebuilt after a restart from
/// the SBOM ConfigMap is the list the verification audited.
/// </summary>
internal sealed class PackageList
{
    private readonly string[] names;
    private readonly string[] versions;

    private PackageList(string[] names, string[] versions)
    {
        this.names = names;
        this.versions = versions;
    }

    /// <summary>How many (name, version) pairs.</summary>
    public int Count => names.Length;

    /// <summary>The pairs, in SBOM order.</summary>
    public IEnumerable<(string Name, string Version)> Packages
    {
        get
        {
            for (var i = 0; i < names.Length; i++)
            {
                yield return (names[i], versions[i]);
            }
        }
    }

    /// <summary>A list of <paramref name="packages"/> (repeated pairs once), names and versions taken from <paramref name="pool"/>.</summary>
    public static PackageList From(IEnumerable<(string Name, string Version)> packages, StringPool pool)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(pool);
        var seen = new HashSet<(string, string)>();
        var names = new List<string>();
        var versions = new List<string>();
        foreach (var (name, version) in packages)
        {
            if (seen.Add((name, version)))
            {
                names.Add(pool.Intern(name));
                versions.Add(pool.Intern(version));
            }
        }

        return new PackageList([.. names], [.. versions]);
    }

    /// <summary>The list of a CycloneDX document the operator wrote, or null when it is not one.</summary>
    public static PackageList? FromCycloneDx(string cycloneDxJson, StringPool pool) =>
        CycloneDxPackages.Read(cycloneDxJson) is { } packages ? From(packages, pool) : null;
}
