using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>Exactly one key reference.</summary>
[CelRule("has(self.secretKeyRef) != has(self.configMapKeyRef)", "set exactly one of secretKeyRef or configMapKeyRef")]
public sealed class EnvVarSourceSpec
{
    /// <summary>A key of a Secret in the same namespace.</summary>
    [JsonPropertyName("secretKeyRef")]
    public KeyReference? SecretKeyRef { get; set; }

    /// <summary>A key of a ConfigMap in the same namespace.</summary>
    [JsonPropertyName("configMapKeyRef")]
    public KeyReference? ConfigMapKeyRef { get; set; }
}
