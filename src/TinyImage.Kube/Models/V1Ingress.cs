// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A networking.k8s.io/v1 Ingress: the route the operator creates and updates for <c>deploy.route</c> (its status and any member not modelled are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1Ingress : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "networking.k8s.io/v1";

    public string Kind { get; set; } = "Ingress";

    public V1ObjectMeta Metadata { get; set; } = new();

    public V1IngressSpec Spec { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
