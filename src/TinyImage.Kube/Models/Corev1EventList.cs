// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A list of <see cref="Corev1Event"/>.</summary>
public sealed class Corev1EventList : IKubernetesObject<V1ListMeta>, IItems<Corev1Event>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "EventList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<Corev1Event> Items { get; set; }
}
