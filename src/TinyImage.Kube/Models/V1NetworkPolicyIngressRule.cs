// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>An ingress rule: from these peers on these ports (the operator writes none; read to see one added by hand).</summary>
public sealed class V1NetworkPolicyIngressRule
{
    public IList<V1NetworkPolicyPeer> From { get; set; }

    public IList<V1NetworkPolicyPort> Ports { get; set; }
}
