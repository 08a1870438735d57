using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// An autoscaler (a HorizontalPodAutoscaler, KEDA, ...) owns the Deployment's `spec.replicas`: the operator writes
/// `deploy.replicas` when it creates the Deployment and never again, so it does not fight the autoscaler. The operator
/// creates no autoscaler itself.
/// </summary>
public sealed class AutoscalingSpec
{
    /// <summary>An autoscaler owns spec.replicas.</summary>
    [JsonPropertyName("enabled")]
    [Default("true")]
    public bool Enabled { get; set; } = true;
}
