using k8s.Models;
using TinyImage.Api;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The NetworkPolicy <c>NAME-build</c> confining a TinyImage's build pods: no ingress, and egress only as the admin's
/// rules allow (by default DNS to the cluster's resolver and TCP 80/443 to public addresses). Written by the build step
/// before the first build Job of the TinyImage, owned by it. A pure function of (TinyImage, options).
/// </summary>
/// <remarks>
/// A NetworkPolicy cannot name hosts, only addresses, and a build reaches more than its registry and git host (base
/// images, crates.io, Alpine's package mirror), so the default is "the public internet on the web ports, nothing inside
/// the cluster's private ranges and no link-local (cloud metadata) address". Admins with an in-cluster registry, a
/// proxy or a mirror list them in <c>buildPods.networkPolicy.egress</c>; the NetworkPolicy only takes effect where the
/// cluster's network plugin enforces NetworkPolicies.
/// </remarks>
internal static class BuildNetworkPolicyBuilder
{
    private const string Suffix = "-build";

    /// <summary>DNS to the cluster resolver (kube-system pods labelled <c>k8s-app: kube-dns</c>: CoreDNS in kubeadm, K3s, kind, EKS, GKE's kube-dns); TCP 80 and 443 to every address outside the private, shared (100.64/10) and link-local ranges.</summary>
    public static IReadOnlyList<V1NetworkPolicyEgressRule> DefaultEgress { get; } =
    [
        new V1NetworkPolicyEgressRule
        {
            To =
            [
                new V1NetworkPolicyPeer
                {
                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/metadata.name"] = "kube-system" } },
                    PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["k8s-app"] = "kube-dns" } },
                },
            ],
            Ports = [Port("UDP", 53), Port("TCP", 53)],
        },
        new V1NetworkPolicyEgressRule
        {
            To =
            [
                new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "0.0.0.0/0", Except = ["10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"] } },
                new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "::/0", Except = ["fc00::/7", "fe80::/10"] } },
            ],
            Ports = [Port("TCP", 443), Port("TCP", 80)],
        },
    ];

    /// <summary>The NetworkPolicy's name: <c>NAME-build</c> (the TinyImage's name shortened to fit 63 characters).</summary>
    public static string Name(string tinyImageName) => ChildMetadata.Shorten(tinyImageName, ChildMetadata.MaxLabelValueLength - Suffix.Length) + Suffix;

    /// <summary>The NetworkPolicy selecting the build pods of <paramref name="tinyImage"/> (every build hash).</summary>
    public static V1NetworkPolicy Build(ValidTinyImage tinyImage, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(options);
        var ti = tinyImage.Resource;
        var labels = ChildMetadata.Labels(ti, ChildMetadata.ComponentBuild);
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = ChildMetadata.Metadata(ti, Name(ti.Metadata.Name), labels),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = PodSelector(ti) },
                PolicyTypes = ["Ingress", "Egress"],
                Egress = [.. options.BuildEgress],
            },
        };
    }

    /// <summary>The labels every build pod of the TinyImage carries (its Job template's, without the build hash).</summary>
    public static Dictionary<string, string> PodSelector(Api.V1Alpha1.TinyImage ti) => new(StringComparer.Ordinal)
    {
        [Api.V1Alpha1.Annotations.ManagedByLabel] = Api.V1Alpha1.Annotations.ManagedByValue,
        [Api.V1Alpha1.Annotations.ComponentLabel] = ChildMetadata.ComponentBuild,
        [Api.V1Alpha1.Annotations.NameLabel] = ChildMetadata.NameLabelValue(ti),
    };

    private static V1NetworkPolicyPort Port(string protocol, int port) => new() { Protocol = protocol, Port = port };
}
