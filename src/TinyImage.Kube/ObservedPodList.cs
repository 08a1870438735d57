using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>A PodList of <see cref="ObservedPod"/>s.</summary>
public sealed class ObservedPodList : IKubernetesObject<V1ListMeta>, IItems<ObservedPod>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "PodList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<ObservedPod> Items { get; set; } = [];
}
