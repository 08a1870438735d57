using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A Cargo project held in a ConfigMap in the TinyImage's namespace.</summary>
public sealed class ConfigMapSource
{
    /// <summary>The ConfigMap's name.</summary>
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    /// <summary>Which keys become which files (ConfigMap keys cannot hold '/'). Without items, every key becomes a file of that name at the project root.</summary>
    [JsonPropertyName("items")]
    [MaxLength(64)]
    public IList<ConfigMapItem>? Items { get; set; }
}
