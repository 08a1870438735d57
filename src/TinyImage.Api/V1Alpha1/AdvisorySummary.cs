using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The advisories counted against the verified image, by severity, and the database they were checked against.</summary>
public sealed class AdvisorySummary
{
    /// <summary>Counted advisories with a critical CVSS severity.</summary>
    [JsonPropertyName("critical")]
    public int Critical { get; set; }

    /// <summary>Counted advisories with a high CVSS severity.</summary>
    [JsonPropertyName("high")]
    public int High { get; set; }

    /// <summary>Counted advisories with a medium CVSS severity.</summary>
    [JsonPropertyName("medium")]
    public int Medium { get; set; }

    /// <summary>Counted advisories with a low (or none) CVSS severity.</summary>
    [JsonPropertyName("low")]
    public int Low { get; set; }

    /// <summary>Counted advisories without a CVSS vector.</summary>
    [JsonPropertyName("unknown")]
    public int Unknown { get; set; }

    /// <summary>Matching advisories the policy does not count (informational, below `minSeverity`, ignored).</summary>
    [JsonPropertyName("notCounted")]
    public int NotCounted { get; set; }

    /// <summary>The advisory database revision the image was last checked against (`sha256:` of its advisory files).</summary>
    [JsonPropertyName("databaseRevision")]
    public string? DatabaseRevision { get; set; }
}
