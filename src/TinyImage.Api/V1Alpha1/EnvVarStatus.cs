using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>An environment variable the serving workload was deployed with: a literal value, or a key reference.</summary>
public sealed class EnvVarStatus
{
    /// <summary>The variable's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The literal value.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }

    /// <summary>The Secret key the value is read from.</summary>
    [JsonPropertyName("secretKeyRef")]
    public KeyReference? SecretKeyRef { get; set; }

    /// <summary>The ConfigMap key the value is read from.</summary>
    [JsonPropertyName("configMapKeyRef")]
    public KeyReference? ConfigMapKeyRef { get; set; }

    public static EnvVarStatus From(EnvVarSpec spec) => new()
    {
        Name = spec.Name,
        Value = spec.Value,
        SecretKeyRef = spec.ValueFrom?.SecretKeyRef is { } s ? new KeyReference { Name = s.Name, Key = s.Key } : null,
        ConfigMapKeyRef = spec.ValueFrom?.ConfigMapKeyRef is { } c ? new KeyReference { Name = c.Name, Key = c.Key } : null,
    };

    public EnvVarSpec ToSpec() => new()
    {
        Name = Name ?? "",
        Value = SecretKeyRef is null && ConfigMapKeyRef is null ? Value ?? "" : null,
        ValueFrom = SecretKeyRef is null && ConfigMapKeyRef is null ? null : new EnvVarSourceSpec { SecretKeyRef = SecretKeyRef, ConfigMapKeyRef = ConfigMapKeyRef },
    };
}
