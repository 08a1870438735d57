// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>An egress rule: to these peers on these ports (unknown members are skipped when read, as from the <c>--build-egress</c> flag).</summary>
public sealed class V1NetworkPolicyEgressRule
{
    public IList<V1NetworkPolicyPort> Ports { get; set; }

    public IList<V1NetworkPolicyPeer> To { get; set; }
}
