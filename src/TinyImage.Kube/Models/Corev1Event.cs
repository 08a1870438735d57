// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A core/v1 Event as the operator reads it (the Job controller's FailedCreate Events about build Jobs): never written, so members not declared here are skipped when reading.</summary>
public sealed class Corev1Event : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "Event";

    public V1ObjectMeta Metadata { get; set; } = new();

    public int? Count { get; set; }

    public DateTime? EventTime { get; set; }

    public DateTime? FirstTimestamp { get; set; }

    public V1ObjectReference InvolvedObject { get; set; }

    public DateTime? LastTimestamp { get; set; }

    public string Message { get; set; }

    public string Reason { get; set; }

    public string Type { get; set; }
}
