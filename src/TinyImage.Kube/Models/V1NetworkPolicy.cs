// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A networking.k8s.io/v1 NetworkPolicy: the build pods' policy the operator creates and corrects (members not modelled are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1NetworkPolicy : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "networking.k8s.io/v1";

    public string Kind { get; set; } = "NetworkPolicy";

    public V1ObjectMeta Metadata { get; set; } = new();

    public V1NetworkPolicySpec Spec { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
