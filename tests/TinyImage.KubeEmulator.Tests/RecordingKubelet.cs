using System.Collections.Concurrent;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>A kubelet that only records the pods it is given (namespace/name), for routing tests.</summary>
internal sealed class RecordingKubelet : IKubelet
{
    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    public Task StartPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        Started.Enqueue(pod.Namespace + "/" + pod.Name);
        return Task.CompletedTask;
    }

    public Task StopPodAsync(KubeletPod pod, CancellationToken cancellationToken)
    {
        Stopped.Enqueue(pod.Namespace + "/" + pod.Name);
        return Task.CompletedTask;
    }
}
