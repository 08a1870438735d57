using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>Exactly one source of the Cargo project.</summary>
[CelRule("has(self.git) != has(self.configMap)", "exactly one of source.git or source.configMap must be set")]
public sealed class SourceSpec
{
    /// <summary>A git repository reachable over HTTPS.</summary>
    [JsonPropertyName("git")]
    public GitSource? Git { get; set; }

    /// <summary>A ConfigMap in the TinyImage's namespace holding a small Cargo project (Cargo.toml, Cargo.lock, src/...), for demos and tests.</summary>
    [JsonPropertyName("configMap")]
    public ConfigMapSource? ConfigMap { get; set; }
}
