using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>An environment variable: a literal value, or a key of a Secret or ConfigMap in the same namespace.</summary>
[CelRule("has(self.value) != has(self.valueFrom)", "set exactly one of value or valueFrom")]
public sealed class EnvVarSpec
{
    /// <summary>The variable's name.</summary>
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.EnvName)]
    [MaxLength(256)]
    public string Name { get; set; } = "";

    /// <summary>A literal value.</summary>
    [JsonPropertyName("value")]
    [MaxLength(32768)]
    public string? Value { get; set; }

    /// <summary>A value read from a Secret or ConfigMap key.</summary>
    [JsonPropertyName("valueFrom")]
    public EnvVarSourceSpec? ValueFrom { get; set; }
}
