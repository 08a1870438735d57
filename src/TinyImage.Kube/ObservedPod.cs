using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// A Pod as a controller that only reads Pods sees it: its metadata and the status fields that say how its containers
/// ran (the operator never writes a Pod, so nothing it does not read needs to survive a round trip; JSON members not
/// declared here are skipped when reading). Used instead of KubernetesClient's <see cref="V1Pod"/>, whose status alone
/// reaches about 40 model types that would each carry their JSON metadata and generic instantiations into the NativeAOT
/// binary (BENCHMARKS.md, section 9, sixth round: size). The pod spec is left out for the same reason.
/// </summary>
public sealed class ObservedPod : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "Pod";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ObservedPodStatus? Status { get; set; }
}
