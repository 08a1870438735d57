// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A port (number or name) or port range and its protocol.</summary>
public sealed class V1NetworkPolicyPort
{
    public int? EndPort { get; set; }

    public IntOrString Port { get; set; }

    public string Protocol { get; set; }
}
