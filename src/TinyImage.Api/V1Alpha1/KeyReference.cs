using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A key of a Secret or ConfigMap in the same namespace.</summary>
public sealed class KeyReference
{
    /// <summary>The object's name.</summary>
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    /// <summary>The key.</summary>
    [JsonPropertyName("key")]
    [Required]
    [Pattern(Patterns.ConfigMapKey)]
    [MaxLength(253)]
    public string Key { get; set; } = "";
}
