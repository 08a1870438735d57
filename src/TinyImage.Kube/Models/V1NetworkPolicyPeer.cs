// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A peer: pods, namespaces or an address block.</summary>
public sealed class V1NetworkPolicyPeer
{
    public V1IPBlock IpBlock { get; set; }

    public V1LabelSelector NamespaceSelector { get; set; }

    public V1LabelSelector PodSelector { get; set; }
}
