using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// A variable of the build step (`cargo build` and the dependency build). Its value reaches the build through the Kaniko
/// container's environment and `--build-arg NAME` (Kaniko reads a value-less build argument from its environment); the
/// Containerfile names it in an `ARG NAME` line but never holds the value. Not for secrets: see `build.secrets`.
/// </summary>
public sealed class BuildEnvVar
{
    /// <summary>The variable's name, e.g. `SQLX_OFFLINE`. Names the operator sets itself (RUSTFLAGS, CARGO_PROFILE_*, CARGO_HOME, CARGO_REGISTRIES_*, GIT_*, PATH, HOME) are refused.</summary>
    [JsonPropertyName("name")]
    [Required]
    [Pattern(Patterns.EnvName)]
    [MaxLength(128)]
    public string Name { get; set; } = "";

    /// <summary>The literal value.</summary>
    [JsonPropertyName("value")]
    [Required]
    [MaxLength(4096)]
    public string Value { get; set; } = "";
}
