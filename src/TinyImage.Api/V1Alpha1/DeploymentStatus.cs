using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The workload's state.</summary>
public sealed class DeploymentStatus
{
    /// <summary>The Deployment's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Pods ready.</summary>
    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }
}
