// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A NetworkPolicy's spec as the operator writes it: pod selector, policy types, egress rules. Ingress rules (the operator writes none) and any other member are kept in <see cref="ExtensionData"/>, so the operator's comparison with the policy it wants sees one added by hand.</summary>
public sealed class V1NetworkPolicySpec
{
    public IList<V1NetworkPolicyEgressRule> Egress { get; set; }

    public V1LabelSelector PodSelector { get; set; }

    public IList<string> PolicyTypes { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
