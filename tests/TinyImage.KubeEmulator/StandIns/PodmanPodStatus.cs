namespace TinyImage.KubeEmulator.StandIns;

/// <summary>A snapshot of the pod's one container, in the kubelet's terms.</summary>
/// <param name="Phase"><c>Pending</c>, <c>Running</c>, <c>Succeeded</c> or <c>Failed</c>.</param>
/// <param name="State"><c>waiting</c>, <c>running</c> or <c>terminated</c>.</param>
/// <param name="Reason">The waiting or terminated reason (<c>CreateContainerConfigError</c>, <c>ErrImagePull</c>,
/// <c>CrashLoopBackOff</c>, <c>Evicted</c>, ...), or null while running.</param>
/// <param name="Message">The message that goes with <paramref name="Reason"/>.</param>
/// <param name="Ready">The readiness probe's verdict (true without a readiness probe once running).</param>
/// <param name="RestartCount">How many times the container was restarted.</param>
/// <param name="LastTermination">How the previous run ended, or null.</param>
/// <param name="LivenessProbes">Liveness probes polled so far.</param>
/// <param name="ReadinessProbes">Readiness probes polled so far.</param>
/// <param name="MemoryLimitBytes"><c>resources.limits.memory</c> in bytes, or null.</param>
/// <param name="MemoryLimitEnforced">True when the container's memory cgroup carries that limit (podman <c>--memory</c> took effect).</param>
/// <param name="MemoryPeakBytes">The highest memory use sampled over every run (the cgroup's max usage; the main
/// process's VmHWM where no cgroup file is readable), or null before the first sample.</param>
public sealed record PodmanPodStatus(
    string Phase,
    string State,
    string? Reason,
    string? Message,
    bool Ready,
    int RestartCount,
    PodContainerTermination? LastTermination,
    int LivenessProbes,
    int ReadinessProbes,
    long? MemoryLimitBytes,
    bool MemoryLimitEnforced,
    long? MemoryPeakBytes);
