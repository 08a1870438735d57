// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>An apps/v1 Deployment: the workload the operator creates and updates.</summary>
public sealed class V1Deployment : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "apps/v1";

    public string Kind { get; set; } = "Deployment";

    public V1ObjectMeta Metadata { get; set; } = new();

    public V1DeploymentSpec Spec { get; set; }

    public V1DeploymentStatus Status { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
