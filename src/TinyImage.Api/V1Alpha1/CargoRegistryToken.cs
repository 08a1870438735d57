using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// The token of a private cargo registry, from a Secret key. The Secret is mounted into the build pod only, under
/// `/kaniko/build-secrets/` (a path Kaniko never snapshots), and cargo reads it through
/// `CARGO_REGISTRIES_NAME_CREDENTIAL_PROVIDER="cargo:token-from-stdout cat FILE"` (cargo 1.74 or newer), so the token is
/// in no layer, no cache entry and no Containerfile. The registry's index URL comes from the project's
/// `.cargo/config.toml` or from `build.env` (`CARGO_REGISTRIES_NAME_INDEX`).
/// </summary>
public sealed class CargoRegistryToken
{
    /// <summary>The registry's name as Cargo.toml and .cargo/config.toml spell it (letters, digits, `-`, `_`).</summary>
    [JsonPropertyName("registry")]
    [Required]
    [Pattern(Patterns.CargoRegistryName)]
    [MaxLength(64)]
    public string Registry { get; set; } = "";

    /// <summary>The Secret in the TinyImage's namespace.</summary>
    [JsonPropertyName("secretName")]
    [Required]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string SecretName { get; set; } = "";

    /// <summary>The key holding the token.</summary>
    [JsonPropertyName("key")]
    [Pattern(Patterns.ConfigMapKey)]
    [MaxLength(253)]
    [Default("\"token\"")]
    public string Key { get; set; } = "token";
}
