// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A list of <see cref="V1Deployment"/> (the Deployment informer's list).</summary>
public sealed class V1DeploymentList : IKubernetesObject<V1ListMeta>, IItems<V1Deployment>
{
    public string ApiVersion { get; set; } = "apps/v1";

    public string Kind { get; set; } = "DeploymentList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<V1Deployment> Items { get; set; }
}
