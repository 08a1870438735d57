using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// Plays job controller and kubelet for batch/v1 Jobs: creates their pods, terminates containers with a
/// termination message and exit code, fakes logs, and writes Job status (active/succeeded/failed, startTime,
/// completionTime, SuccessCriteriaMet/Complete or FailureTarget/Failed conditions) as Kubernetes 1.35 does.
/// </summary>
public sealed class JobSimulator
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly PodLogs _logs;
    private readonly Action<Exception> _onError;
    private readonly JobController _controller;
    private readonly CancellationToken _stopping;
    private readonly Lock _completionsGate = new();
    private readonly List<JobCompletion> _completions = [];

    internal JobSimulator(ObjectStore store, ResourceRegistry registry, PodLogs logs, JobController controller, Action<Exception> onError, CancellationToken stopping)
    {
        _store = store;
        _registry = registry;
        _logs = logs;
        _controller = controller;
        _onError = onError;
        _stopping = stopping;
        controller.PodCreated = OnPodCreated;
    }

    /// <summary>The runner told about new Jobs; null leaves Jobs untouched (nothing runs them, as without nodes).</summary>
    public IJobRunner? Runner { get; set; }

    /// <summary>Every Job completed or failed through this simulator, in order, with the time its status was written.</summary>
    public IReadOnlyList<JobCompletion> Completions
    {
        get
        {
            lock (_completionsGate)
            {
                return [.. _completions];
            }
        }
    }

    private ResourceType JobType => _registry.Find("batch", "v1", "jobs")!;

    private ResourceType PodType => _registry.Find("", "v1", "pods")!;

    /// <summary>The pods of a Job (by its controller-uid label).</summary>
    public IReadOnlyList<JsonObject> PodsOf(string ns, string jobName)
    {
        var job = _store.Get(JobType, ns, jobName);
        return job.IsSuccess ? _controller.PodsOf(ns, (string)job.ReadOnlyBody["metadata"]!["uid"]!) : [];
    }

    /// <summary>
    /// Creates the Job's pod (once, as the Job controller does) and marks pod and Job running; returns the pod as stored
    /// (read it, never change it).
    /// </summary>
    public JsonObject StartPod(string ns, string jobName)
    {
        var created = _controller.EnsurePod(ns, jobName);
        if (!created.IsSuccess)
        {
            Require(created, "pod");
        }

        var podName = (string)created.ReadOnlyBody["metadata"]!["name"]!;
        var now = _store.Timestamp();
        _store.MutateStatus(PodType, ns, podName, (p, stored) =>
        {
            if ((string?)p["status"]?["phase"] != "Pending")
            {
                return;
            }

            var status = new JsonObject
            {
                ["phase"] = "Running",
                ["startTime"] = now,
                ["qosClass"] = p["status"]?["qosClass"]?.DeepClone(),
                ["containerStatuses"] = ContainerStatuses(stored, (_, _) => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }, running: true),
            };
            SetConditions(status, phase: "Running", now, KubeletPod.Generation(stored));
            p["status"] = status;
        });
        _store.MutateStatus(JobType, ns, jobName, (j, _) =>
        {
            var status = ObjectStore.EnsureObject(j, "status");
            if (status["conditions"] is null)
            {
                status["active"] = 1;
                status["ready"] = 1;
            }
        });
        return Require(_store.Get(PodType, ns, podName), "pod").ReadOnlyBody;
    }

    /// <summary>
    /// Completes a Job: its pod's first container terminates with <paramref name="exitCode"/> and
    /// <paramref name="terminationMessage"/> (what Kaniko writes to <c>/dev/termination-log</c>); the Job gets
    /// succeeded=1, completionTime and the SuccessCriteriaMet and Complete conditions.
    /// </summary>
    public void Complete(string ns, string jobName, string terminationMessage, int exitCode = 0, string? log = null)
    {
        var pod = StartPod(ns, jobName);
        var podName = (string)pod["metadata"]!["name"]!;
        var now = _store.Timestamp();
        Terminate(ns, podName, "Succeeded", "Completed", exitCode, terminationMessage, now);
        if (log is not null)
        {
            _logs.Set(ns, podName, FirstContainer(pod), log);
        }

        var completedAt = _store.Now();
        _store.MutateStatus(JobType, ns, jobName, (j, _) =>
        {
            var status = ObjectStore.EnsureObject(j, "status");
            status.Remove("active");
            status["ready"] = 0;
            status["terminating"] = 0;
            status["succeeded"] = 1;
            status["completionTime"] = now;
            status["uncountedTerminatedPods"] = new JsonObject();
            status["conditions"] = new JsonArray(
                Condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now),
                Condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
        });
        Record(new JobCompletion(ns, jobName, Succeeded: true, terminationMessage, completedAt));
    }

    /// <summary>
    /// Fails a Job: its pod's first container terminates with <paramref name="exitCode"/> (and an optional termination
    /// message), <paramref name="logTail"/> becomes the container's log, and the Job gets failed=1 and the
    /// FailureTarget and Failed conditions with <paramref name="reason"/>. <paramref name="containerReason"/> is the
    /// kubelet's reason for the container's termination (<c>Error</c>, or <c>OOMKilled</c> with exit code 137).
    /// </summary>
    public void Fail(string ns, string jobName, string reason = "BackoffLimitExceeded", string? logTail = null, string? terminationMessage = null, int exitCode = 1, string containerReason = "Error")
    {
        var pod = StartPod(ns, jobName);
        var podName = (string)pod["metadata"]!["name"]!;
        var now = _store.Timestamp();
        Terminate(ns, podName, "Failed", containerReason, exitCode, terminationMessage, now);
        if (logTail is not null)
        {
            _logs.Set(ns, podName, FirstContainer(pod), logTail);
        }

        var message = reason == "BackoffLimitExceeded" ? "Job has reached the specified backoff limit" : "Job failed: " + reason;
        var failedAt = _store.Now();
        _store.MutateStatus(JobType, ns, jobName, (j, _) =>
        {
            var status = ObjectStore.EnsureObject(j, "status");
            status.Remove("active");
            status["ready"] = 0;
            status["terminating"] = 0;
            status["failed"] = 1;
            status["uncountedTerminatedPods"] = new JsonObject();
            status["conditions"] = new JsonArray(
                Condition("FailureTarget", reason, message, now),
                Condition("Failed", reason, message, now));
        });
        Record(new JobCompletion(ns, jobName, Succeeded: false, terminationMessage, failedAt));
    }

    internal void OnChange(StoredEvent e) => _controller.OnChange(e);

    private void OnPodCreated(string ns, string jobName)
    {
        var current = _store.Get(JobType, ns, jobName);
        if (Runner is not { } runner || !current.IsSuccess)
        {
            return;
        }

        var job = new EmulatedJob(ns, jobName, current, this);
        _ = Task.Run(async () =>
        {
            try
            {
                await runner.OnJobCreatedAsync(job, _stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _onError(ex);
            }
        }, _stopping);
    }

    private void Record(JobCompletion completion)
    {
        lock (_completionsGate)
        {
            _completions.Add(completion);
        }
    }

    private void Terminate(string ns, string podName, string phase, string reason, int exitCode, string? message, string now)
    {
        _store.MutateStatus(PodType, ns, podName, (p, stored) =>
        {
            var status = ObjectStore.EnsureObject(p, "status");
            status["phase"] = phase;
            var first = true;
            status["containerStatuses"] = ContainerStatuses(stored, (_, _) =>
            {
                var terminated = new JsonObject
                {
                    ["exitCode"] = exitCode,
                    ["reason"] = reason,
                    ["startedAt"] = (string?)status["startTime"] ?? now,
                    ["finishedAt"] = now,
                    ["containerID"] = "containerd://" + Guid.NewGuid().ToString("N"),
                };
                if (first && message is not null)
                {
                    terminated["message"] = message;
                }

                first = false;
                return new JsonObject { ["terminated"] = terminated };
            }, running: false);
            SetConditions(status, phase, now, KubeletPod.Generation(stored));
        });
    }

    /// <summary>
    /// The pod's conditions as the kubelet generates them (pkg/kubelet/status/generate.go) for a pod whose containers have no
    /// readiness probe: while they run, all True; once the pod is terminal, its sandbox gone and its containers not ready,
    /// with the reason PodCompleted (Succeeded; Initialized stays True with it) or PodFailed (Failed). PodScheduled stays True.
    /// The status and every condition carry the pod's <paramref name="generation"/> as observedGeneration (see <see cref="KubeletPod"/>).
    /// </summary>
    private static void SetConditions(JsonObject status, string phase, string now, long generation)
    {
        var running = phase == "Running";
        var reason = phase switch { "Succeeded" => "PodCompleted", "Failed" => "PodFailed", _ => null };
        KubeletPod.SetObservedGeneration(status, generation);
        KubeletPod.Set(status, "PodReadyToStartContainers", running ? "True" : "False", null, null, now, generation);
        KubeletPod.Set(status, "Initialized", "True", phase == "Succeeded" ? reason : null, null, now, generation);
        KubeletPod.Set(status, "Ready", running ? "True" : "False", reason, null, now, generation);
        KubeletPod.Set(status, "ContainersReady", running ? "True" : "False", reason, null, now, generation);
        KubeletPod.Set(status, "PodScheduled", "True", null, null, now, generation);
    }

    /// <summary>Every container's status in <paramref name="state"/>: ready and started while it runs (no readiness probe), neither once terminated.</summary>
    private static JsonArray ContainerStatuses(JsonObject pod, Func<string, string, JsonObject> state, bool running) =>
        new([.. (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c =>
        {
            var name = (string?)c["name"] ?? "";
            var image = (string?)c["image"] ?? "";
            return (JsonNode)new JsonObject
            {
                ["name"] = name,
                ["image"] = image,
                ["imageID"] = "",
                ["ready"] = running,
                ["restartCount"] = 0,
                ["started"] = running,
                ["state"] = state(name, image),
            };
        })]);

    private static string FirstContainer(JsonObject pod) =>
        (string?)(pod["spec"]?["containers"] as JsonArray)?.FirstOrDefault()?["name"] ?? "";

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static ApiResult Require(ApiResult r, string what) =>
        r.IsSuccess ? r : throw new InvalidOperationException($"job simulator: {what}: {(string?)r.Body["message"]}");
}
