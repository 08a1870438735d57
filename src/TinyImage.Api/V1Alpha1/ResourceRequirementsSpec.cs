using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Api.V1Alpha1;

/// <summary>Compute resources, as in a container's resources (cpu, memory, ephemeral-storage).</summary>
public sealed class ResourceRequirementsSpec
{
    /// <summary>Maximum resources.</summary>
    [JsonPropertyName("limits")]
    public IDictionary<string, ResourceQuantity>? Limits { get; set; }

    /// <summary>Requested resources.</summary>
    [JsonPropertyName("requests")]
    public IDictionary<string, ResourceQuantity>? Requests { get; set; }
}
