using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TinyImage.Sbom;

/// <summary>
/// Exports <see cref="AuditData"/> as a CycloneDX 1.6 JSON BOM.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Every package is a component with purl <c>pkg:cargo/NAME@VERSION</c> (the purl is its bom-ref; a repeated purl gets a
/// <c>#INDEX</c> suffix). The raw cargo-auditable <c>source</c> is kept as the property <c>tinyimage.dev:cargo:source</c>,
/// because a cargo purl without qualifiers implies crates.io. Build-only packages have scope <c>excluded</c>, runtime ones <c>required</c>.</item>
/// <item>The subject (<c>metadata.component</c>, "the component the BOM describes") is the container image when it is known:
/// type <c>container</c>, name the repository, version and SHA-256 hash the manifest digest, purl <c>pkg:oci/...</c>. The root
/// crate is then the first component and the image depends on it. Without an image (a local file) the subject is the root crate.</item>
/// <item>No timestamp, and the serial number is a name-based UUID (version 5) of the document's content, so verifying the
/// same image again writes byte-identical output.</item>
/// </list>
/// </remarks>
public static class CycloneDxWriter
{
    public const string SourceProperty = "tinyimage.dev:cargo:source";
    public const string ImageDigestProperty = "tinyimage.dev:image:digest";

    /// <summary>Namespace for the serial number's version-5 UUID (fixed, chosen for this operator).</summary>
    private static readonly Guid SerialNamespace = new("5b0c3f34-58c1-4d0e-9d0c-6a6e1b5f3e0a");

    public static string Write(AuditData data, ImageFacts? image) => Write(data, image, null);

    /// <summary>
    /// Writes the BOM with a <c>vulnerabilities</c> array when <paramref name="findings"/> is not null (empty: audited,
    /// nothing found). Findings of the same id are merged into one entry affecting every matching component (by bom-ref).
    /// </summary>
    public static string Write(AuditData data, ImageFacts? image, IReadOnlyList<CycloneDxFinding>? findings)
    {
        ArgumentNullException.ThrowIfNull(data);
        var refs = BomRefs(data);
        var components = new List<CycloneDxComponent>();
        var dependencies = new List<CycloneDxDependency>();
        CycloneDxComponent subject;
        if (image is not null)
        {
            subject = ImageComponent(image);
            dependencies.Add(new CycloneDxDependency(subject.BomRef!, [refs[data.RootIndex]]));
        }
        else
        {
            subject = PackageComponent(data, data.RootIndex, refs[data.RootIndex]);
        }

        // The root first (when it is not the subject), then the others in SBOM order.
        var order = Enumerable.Range(0, data.Packages.Length).OrderBy(i => i == data.RootIndex ? 0 : 1).ToList();
        foreach (var i in order)
        {
            if (image is not null || i != data.RootIndex)
            {
                components.Add(PackageComponent(data, i, refs[i]));
            }

            dependencies.Add(new CycloneDxDependency(refs[i], [.. data.Packages[i].Dependencies.Select(d => refs[d])]));
        }

        var version = typeof(CycloneDxWriter).Assembly.GetName().Version;
        var tool = new CycloneDxComponent("application", null, "tinyimage-operator", version is null ? null : $"{version.Major}.{version.Minor}.{version.Build}", null, null, null, null);
        var metadata = new CycloneDxMetadata(
            new CycloneDxTools([tool]),
            subject,
            [new CycloneDxProperty("tinyimage.dev:cargo-auditable:format", data.Format.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var bom = new CycloneDxBom("CycloneDX", "1.6", null, 1, metadata, components, dependencies)
        {
            Vulnerabilities = findings is null ? null : Vulnerabilities(data, refs, findings),
        };

        var unsigned = JsonSerializer.SerializeToUtf8Bytes(bom, SbomJsonContext.Indented.CycloneDxBom);
        var serial = "urn:uuid:" + NameBasedUuid(SerialNamespace, unsigned).ToString("D");
        return JsonSerializer.Serialize(bom with { SerialNumber = serial }, SbomJsonContext.Indented.CycloneDxBom) + "\n";
    }

    /// <summary><c>pkg:cargo/NAME@VERSION</c>, percent-encoding what the purl spec requires (a <c>+</c> in build metadata becomes <c>%2B</c>).</summary>
    public static string Purl(AuditPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return $"pkg:cargo/{PercentEncode(package.Name)}@{PercentEncode(package.Version)}";
    }

    /// <summary>
    /// <c>pkg:oci/NAME@DIGEST?repository_url=REPOSITORY</c> (purl-spec oci type: the name is the last path segment, lowercase).
    /// </summary>
    public static string OciPurl(ImageFacts image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image.Repository[(image.Repository.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return $"pkg:oci/{PercentEncode(name)}@{PercentEncode(image.Digest)}?repository_url={PercentEncode(image.Repository, keepSlash: true)}";
    }

    private static CycloneDxComponent ImageComponent(ImageFacts image)
    {
        const string Sha256 = "sha256:";
        IReadOnlyList<CycloneDxHash>? hashes = image.Digest.StartsWith(Sha256, StringComparison.Ordinal)
            ? [new CycloneDxHash("SHA-256", image.Digest[Sha256.Length..])]
            : null;
        var purl = OciPurl(image);
        return new CycloneDxComponent("container", purl, image.Repository, image.Digest, null, hashes, purl, [new CycloneDxProperty(ImageDigestProperty, image.Digest)]);
    }

    private static CycloneDxComponent PackageComponent(AuditData data, int index, string bomRef)
    {
        var p = data.Packages[index];
        return new CycloneDxComponent(
            index == data.RootIndex ? "application" : "library",
            bomRef,
            p.Name,
            p.Version,
            p.Kind == DependencyKind.Build ? "excluded" : "required",
            null,
            Purl(p),
            [new CycloneDxProperty(SourceProperty, p.Source)]);
    }

    private static List<CycloneDxVulnerability> Vulnerabilities(AuditData data, string[] refs, IReadOnlyList<CycloneDxFinding> findings)
    {
        var result = new List<CycloneDxVulnerability>();
        foreach (var group in findings.GroupBy(f => f.Vulnerability.Id, StringComparer.Ordinal))
        {
            var affects = new List<CycloneDxAffects>();
            foreach (var finding in group)
            {
                for (var i = 0; i < data.Packages.Length; i++)
                {
                    var p = data.Packages[i];
                    if (p.Name == finding.Package && p.Version == finding.Version && affects.All(a => a.Ref != refs[i]))
                    {
                        affects.Add(new CycloneDxAffects(refs[i], [new CycloneDxAffectedVersion(p.Version, "affected")]));
                    }
                }
            }

            result.Add(group.First().Vulnerability with { Affects = affects });
        }

        return result;
    }

    private static string[] BomRefs(AuditData data)
    {
        var refs = new string[data.Packages.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < refs.Length; i++)
        {
            var purl = Purl(data.Packages[i]);
            refs[i] = seen.Add(purl) ? purl : $"{purl}#{i}";
        }

        return refs;
    }

    private static string PercentEncode(string value, bool keepSlash = false)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || (keepSlash && c == '/'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>RFC 9562 version-5 (SHA-1, name-based) UUID.</summary>
    private static Guid NameBasedUuid(Guid ns, ReadOnlySpan<byte> name)
    {
        var input = new byte[16 + name.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input.AsSpan(16));
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version-5 UUIDs; this is an identifier, not a security check.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
