using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>An advisory not to count.</summary>
public sealed class AdvisoryIgnoreSpec
{
    /// <summary>The advisory id, `RUSTSEC-YYYY-NNNN`.</summary>
    [JsonPropertyName("id")]
    [Required]
    [Pattern(Patterns.AdvisoryId)]
    [MaxLength(17)]
    public string Id { get; set; } = "";

    /// <summary>The date (`YYYY-MM-DD`) from which the advisory counts again (from 00:00 UTC that day); absent: ignored for good.</summary>
    [JsonPropertyName("until")]
    [Pattern(Patterns.Date)]
    [MaxLength(10)]
    public string? Until { get; set; }

    /// <summary>Why the advisory is ignored, for the people who read the TinyImage.</summary>
    [JsonPropertyName("reason")]
    [MaxLength(1024)]
    public string? Reason { get; set; }
}
