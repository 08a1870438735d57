using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A summary of the verified image's embedded SBOM.</summary>
public sealed class SbomStatus
{
    /// <summary>Number of packages.</summary>
    [JsonPropertyName("packageCount")]
    public int? PackageCount { get; set; }

    /// <summary>The root package, `name version`.</summary>
    [JsonPropertyName("rootPackage")]
    public string? RootPackage { get; set; }

    /// <summary>The cargo-auditable format version.</summary>
    [JsonPropertyName("format")]
    public int? Format { get; set; }

    /// <summary>The ConfigMap holding the full SBOM as CycloneDX 1.6 JSON (key `bom.cdx.json`).</summary>
    [JsonPropertyName("configMapName")]
    public string? ConfigMapName { get; set; }

    /// <summary>
    /// The advisory audit of the verified image, when `verify.advisories` is set and a database was loaded: from its
    /// verification, updated without a pull whenever the advisory database changes.
    /// </summary>
    [JsonPropertyName("advisories")]
    public AdvisorySummary? Advisories { get; set; }
}
