// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A list of <see cref="V1Job"/> (the Job informer's list).</summary>
public sealed class V1JobList : IKubernetesObject<V1ListMeta>, IItems<V1Job>
{
    public string ApiVersion { get; set; } = "batch/v1";

    public string Kind { get; set; } = "JobList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<V1Job> Items { get; set; }
}
