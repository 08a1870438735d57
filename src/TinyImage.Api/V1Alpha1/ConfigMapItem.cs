using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>One ConfigMap key placed at a relative path, e.g. key `main.rs` at `src/main.rs`.</summary>
[CelRule("!self.path.split('/').exists(s, s == '..' || s == '.')", "path must not contain '.' or '..' segments")]
public sealed class ConfigMapItem
{
    /// <summary>The ConfigMap key.</summary>
    [JsonPropertyName("key")]
    [Required]
    [Pattern(Patterns.ConfigMapKey)]
    [MaxLength(253)]
    public string Key { get; set; } = "";

    /// <summary>The relative path of the file in the project.</summary>
    [JsonPropertyName("path")]
    [Required]
    [Pattern(Patterns.SubPath)]
    [MaxLength(512)]
    public string Path { get; set; } = "";
}
