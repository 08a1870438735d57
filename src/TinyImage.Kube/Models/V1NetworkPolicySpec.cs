// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A NetworkPolicy's spec, every member of networking.k8s.io/v1 (a member a later Kubernetes adds is kept in <see cref="ExtensionData"/>, so the operator's comparison sees it).</summary>
public sealed class V1NetworkPolicySpec
{
    public IList<V1NetworkPolicyEgressRule> Egress { get; set; }

    public IList<V1NetworkPolicyIngressRule> Ingress { get; set; }

    public V1LabelSelector PodSelector { get; set; }

    public IList<string> PolicyTypes { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
