using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>Kaniko's layer cache in a registry repository.</summary>
public sealed class CacheSpec
{
    /// <summary>Use Kaniko's cache (`--cache=true`).</summary>
    [JsonPropertyName("enabled")]
    [Default("false")]
    public bool Enabled { get; set; }

    /// <summary>The cache repository (`--cache-repo`). Defaults to OUTPUT_REPOSITORY/cache.</summary>
    [JsonPropertyName("repository")]
    [Pattern(Patterns.ImageRepository)]
    [MaxLength(255)]
    public string? Repository { get; set; }

    /// <summary>How long cached layers are used, in hours (`--cache-ttl`).</summary>
    [JsonPropertyName("ttlHours")]
    [Range(1, 8760)]
    [Default("336")]
    public int TtlHours { get; set; } = 336;
}
