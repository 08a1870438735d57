using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>A toleration of the build pod (the Kubernetes Toleration).</summary>
public sealed class TolerationSpec
{
    /// <summary>The taint key; empty with operator Exists tolerates every taint.</summary>
    [JsonPropertyName("key")]
    [Pattern(Patterns.QualifiedName)]
    [MaxLength(316)]
    public string? Key { get; set; }

    /// <summary>`Exists` or `Equal`.</summary>
    [JsonPropertyName("operator")]
    [EnumValues("Exists", "Equal")]
    [Default("\"Equal\"")]
    public string Operator { get; set; } = "Equal";

    /// <summary>The taint value (operator Equal).</summary>
    [JsonPropertyName("value")]
    [Pattern(Patterns.LabelValue)]
    [MaxLength(63)]
    public string? Value { get; set; }

    /// <summary>`NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches every effect.</summary>
    [JsonPropertyName("effect")]
    [EnumValues("NoSchedule", "PreferNoSchedule", "NoExecute")]
    public string? Effect { get; set; }

    /// <summary>Seconds a NoExecute taint is tolerated.</summary>
    [JsonPropertyName("tolerationSeconds")]
    [Range(0, 86400)]
    public long? TolerationSeconds { get; set; }
}
