// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A list of <see cref="V1Service"/> (the Service informer's list).</summary>
public sealed class V1ServiceList : IKubernetesObject<V1ListMeta>, IItems<V1Service>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "ServiceList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<V1Service> Items { get; set; }
}
