namespace TinyImage.KubeEmulator.StandIns;

/// <summary>How a container run ended, as a kubelet reports it in <c>lastState.terminated</c>.</summary>
/// <param name="ExitCode">The exit code (137: killed by SIGKILL).</param>
/// <param name="Reason"><c>Completed</c>, <c>Error</c>, <c>OOMKilled</c> or <c>Evicted</c>.</param>
/// <param name="Message">What a person needs, e.g. the probe that failed or the emptyDir over its limit; may be empty.</param>
/// <param name="Logs">The run's output (stdout and stderr).</param>
public sealed record PodContainerTermination(int ExitCode, string Reason, string Message, string Logs);
