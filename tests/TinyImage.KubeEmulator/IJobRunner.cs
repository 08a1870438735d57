using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// A stand-in for the job controller and kubelet: told about every new batch/v1 Job, it decides what
/// happens to it through <see cref="JobSimulator"/> (start a pod, complete with a termination message, fail).
/// </summary>
public interface IJobRunner
{
    /// <summary>Called on a background task after a Job is created.</summary>
    Task OnJobCreatedAsync(EmulatedJob job, CancellationToken cancellationToken);
}

/// <summary>A Job as the runner sees it, with shortcuts to the simulator.</summary>
/// <param name="Namespace">The Job's namespace.</param>
/// <param name="Name">The Job's name.</param>
/// <param name="Object">The Job as created.</param>
/// <param name="Simulator">The simulator that owns it.</param>
public sealed record EmulatedJob(string Namespace, string Name, JsonObject Object, JobSimulator Simulator)
{
    private readonly JsonObject? _object = Object;
    private readonly Lazy<JsonObject>? _created;

    /// <summary>
    /// A Job whose <see cref="Object"/> is the body of <paramref name="created"/> (the Job as it was stored then, a version
    /// never changed after), copied when a runner first reads it: most runners never do.
    /// </summary>
    internal EmulatedJob(string ns, string name, ApiResult created, JobSimulator simulator)
        : this(ns, name, (JsonObject)null!, simulator) =>
        _created = new Lazy<JsonObject>(() => created.Body, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The Job as created.</summary>
    public JsonObject Object
    {
        get => _object ?? _created!.Value;
        init => _object = value;
    }

    /// <summary>Completes the Job; the pod's first container terminates with exit code 0 and this message.</summary>
    public void Complete(string terminationMessage) => Simulator.Complete(Namespace, Name, terminationMessage);

    /// <summary>Fails the Job with a reason; <paramref name="logTail"/> becomes the pod's log.</summary>
    public void Fail(string reason = "BackoffLimitExceeded", string? logTail = null, string? terminationMessage = null) =>
        Simulator.Fail(Namespace, Name, reason, logTail, terminationMessage);

    /// <summary>The container images of the Job's pod template.</summary>
    public IReadOnlyList<string> Images =>
        [.. (Object["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?["image"]).OfType<string>()];
}

/// <summary>Ready-made runners.</summary>
public static class JobRunners
{
    /// <summary>Completes every Job at once with the termination message <paramref name="message"/> computes.</summary>
    public static IJobRunner CompleteWith(Func<EmulatedJob, string> message) =>
        From((job, _) =>
        {
            job.Complete(message(job));
            return Task.CompletedTask;
        });

    /// <summary>Fails every Job at once.</summary>
    public static IJobRunner FailWith(string reason, string? logTail = null) =>
        From((job, _) =>
        {
            job.Fail(reason, logTail);
            return Task.CompletedTask;
        });

    /// <summary>Only starts a pod for every Job; the test completes or fails it later through <see cref="JobSimulator"/>.</summary>
    public static IJobRunner StartOnly() =>
        From((job, _) =>
        {
            job.Simulator.StartPod(job.Namespace, job.Name);
            return Task.CompletedTask;
        });

    /// <summary>A runner from a delegate.</summary>
    public static IJobRunner From(Func<EmulatedJob, CancellationToken, Task> onCreated) => new DelegateRunner(onCreated);

    private sealed class DelegateRunner(Func<EmulatedJob, CancellationToken, Task> onCreated) : IJobRunner
    {
        public Task OnJobCreatedAsync(EmulatedJob job, CancellationToken cancellationToken) => onCreated(job, cancellationToken);
    }
}
