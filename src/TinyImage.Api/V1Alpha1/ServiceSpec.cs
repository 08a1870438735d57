using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The Service exposing the workload.</summary>
public sealed class ServiceSpec
{
    /// <summary>The Service type: ClusterIP, NodePort or LoadBalancer. Types other than ClusterIP must be allowed by the operator's admin policy (chart value `policy.allowedServiceTypes`), else the TinyImage stalls with `PolicyDenied`.</summary>
    [JsonPropertyName("type")]
    [EnumValues("ClusterIP", "NodePort", "LoadBalancer")]
    [Default("\"ClusterIP\"")]
    public string Type { get; set; } = "ClusterIP";

    /// <summary>The Service port.</summary>
    [JsonPropertyName("port")]
    [Range(1, 65535)]
    [Default("3000")]
    public int Port { get; set; } = 3000;
}
