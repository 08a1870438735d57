using k8s.Models;

namespace TinyImage.Kube;

/// <summary>The part of a Pod's status (core/v1 PodStatus) that <see cref="ObservedPod"/> reads.</summary>
public sealed class ObservedPodStatus
{
    /// <summary>Pending, Running, Succeeded, Failed or Unknown.</summary>
    public string? Phase { get; set; }

    /// <summary>A brief CamelCase reason the pod is in this state, e.g. <c>Evicted</c>.</summary>
    public string? Reason { get; set; }

    public string? Message { get; set; }

    public IList<V1PodCondition>? Conditions { get; set; }

    public IList<ObservedContainerStatus>? InitContainerStatuses { get; set; }

    public IList<ObservedContainerStatus>? ContainerStatuses { get; set; }
}
