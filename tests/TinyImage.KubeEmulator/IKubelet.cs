namespace TinyImage.KubeEmulator;

/// <summary>
/// The node seam: the emulator schedules every pod it runs (the ReplicaSets' pods) onto its one node and tells the kubelet,
/// which reports back through <see cref="KubeletPod"/> what the containers do (running, ready, not ready, exited, waiting).
/// The default is <see cref="EmulatedKubelet"/>; <c>StandIns.PodmanKubelet</c> runs real containers.
/// </summary>
public interface IKubelet
{
    /// <summary>Called on a background task once the pod is bound to the node.</summary>
    Task StartPodAsync(KubeletPod pod, CancellationToken cancellationToken);

    /// <summary>Called on a background task once the pod is deleted: its containers stop.</summary>
    Task StopPodAsync(KubeletPod pod, CancellationToken cancellationToken);
}
