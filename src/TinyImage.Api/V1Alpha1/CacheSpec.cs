using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// Kaniko's layer cache in a registry repository, on by default (also when `build.cache` is absent): the toolchain and
/// dependency layers are reused while Cargo.toml and Cargo.lock stay the same.
/// </summary>
public sealed class CacheSpec
{
    /// <summary>The default of <see cref="TtlHours"/>: two weeks.</summary>
    public const int DefaultTtlHours = 336;

    /// <summary>Use Kaniko's cache (`--cache=true`); `false` opts out.</summary>
    [JsonPropertyName("enabled")]
    [Default("true")]
    public bool Enabled { get; set; } = true;

    /// <summary>The cache repository (`--cache-repo`). Defaults to OUTPUT_REPOSITORY/cache.</summary>
    [JsonPropertyName("repository")]
    [Pattern(Patterns.ImageRepository)]
    [MaxLength(255)]
    public string? Repository { get; set; }

    /// <summary>How long cached layers are used, in hours (`--cache-ttl`).</summary>
    [JsonPropertyName("ttlHours")]
    [Range(1, 8760)]
    [Default("336")]
    public int TtlHours { get; set; } = DefaultTtlHours;
}
