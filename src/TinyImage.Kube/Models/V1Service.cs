// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A v1 Service: the workload's Service the operator creates and updates (its status and any member not modelled are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1Service : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "Service";

    public V1ObjectMeta Metadata { get; set; } = new();

    public V1ServiceSpec Spec { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
