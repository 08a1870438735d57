namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Runs every Job the emulator sees through the <see cref="KanikoStandIn"/>: starts the pod (the Job is active while the
/// image is built and pushed), then completes it with the digest as the termination message and Kaniko-like logs,
/// or fails it (BackoffLimitExceeded, exit code 1) with the reason as the pod's log and termination message.
/// </summary>
public sealed class KanikoJobRunner(KanikoStandIn standIn) : IJobRunner
{
    /// <summary>The stand-in (its Builds and Failures).</summary>
    public KanikoStandIn StandIn => standIn;

    /// <summary>Raised for every failed build (Job, message), for the standalone emulator to print.</summary>
    public event Action<string, string>? BuildFailed;

    /// <inheritdoc/>
    public async Task OnJobCreatedAsync(EmulatedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Simulator.StartPod(job.Namespace, job.Name);
        var result = await standIn.BuildAsync(job.Object, cancellationToken);
        if (result.IsSuccess)
        {
            var digestFile = KanikoArguments.Parse(
                [.. (job.Object["spec"]?["template"]?["spec"]?["containers"]?[0]?["args"]?.AsArray() ?? []).Select(a => (string?)a ?? "")]).Value?.DigestFile;
            job.Simulator.Complete(job.Namespace, job.Name, digestFile == "/dev/termination-log" ? result.Value!.Digest : "", 0, KanikoStandIn.SuccessLog(result.Value!));
        }
        else
        {
            var message = "error building image: " + result.Error;
            BuildFailed?.Invoke(job.Namespace + "/" + job.Name, message);
            job.Simulator.Fail(job.Namespace, job.Name, "BackoffLimitExceeded", message + "\n", message);
        }
    }
}
