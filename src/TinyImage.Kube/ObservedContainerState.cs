using k8s.Models;

namespace TinyImage.Kube;

/// <summary>A container's state (core/v1 ContainerState) as <see cref="ObservedPod"/> reads it: waiting or terminated (running carries nothing it reads).</summary>
public sealed class ObservedContainerState
{
    public V1ContainerStateWaiting? Waiting { get; set; }

    public V1ContainerStateTerminated? Terminated { get; set; }
}
