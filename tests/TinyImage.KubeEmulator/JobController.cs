using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The pod-creating half of the Job controller (pkg/controller/job/job_controller.go, pkg/controller/controller_utils.go):
/// a new, unfinished, unsuspended Job gets one pod named <c>&lt;job&gt;-&lt;5 chars&gt;</c> from its template, with the
/// Job's labels, a controller owner reference that blocks owner deletion, and the <c>batch.kubernetes.io/job-tracking</c>
/// finalizer (removed once the pod is terminal or being deleted). A refused create becomes a <c>FailedCreate</c> Warning
/// Event ("Error creating: " + the API error) on the Job and is retried with the controller's API backoff (1 s doubling
/// to 1 min) on the emulator's clock.
/// </summary>
internal sealed class JobController : IDisposable
{
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Action<Exception> _onError;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Failures, ITimer? Timer)> _retries = [];
    private bool _disposed;

    public JobController(ObjectStore store, ResourceRegistry registry, TimeProvider time, Action<Exception> onError)
    {
        _store = store;
        _registry = registry;
        _time = time;
        _onError = onError;
    }

    /// <summary>Called (outside the controller's lock) after the controller created a Job's pod.</summary>
    public Action<string, string>? PodCreated { get; set; }

    private ResourceType JobType => _registry.Find("batch", "v1", "jobs")!;

    private ResourceType PodType => _registry.Find("", "v1", "pods")!;

    /// <summary>
    /// The pods of a Job, as the controller's ClaimPods finds them: pods with its <c>batch.kubernetes.io/controller-uid</c>
    /// label that the Job controls or that have no controller (a pod another controller owns is not the Job's). Read from
    /// the store's owner index, so a Job's sync does not scan every pod. Copies, in name order.
    /// </summary>
    public IReadOnlyList<JsonObject> PodsOf(string ns, string uid) => [.. StoredPodsOf(ns, uid).Select(p => (JsonObject)p.DeepClone())];

    /// <summary>The pods of <see cref="PodsOf"/> as stored, for the controller's own reads (read-only: no copies).</summary>
    private IEnumerable<JsonObject> StoredPodsOf(string ns, string uid) =>
        _store.Controlled(ObjectStore.PodsKeyOf, uid).Concat(_store.Orphans(ObjectStore.PodsKeyOf, ns))
            .Where(p => (string?)p["metadata"]?["namespace"] == ns && (string?)p["metadata"]?["labels"]?["batch.kubernetes.io/controller-uid"] == uid)
            .OrderBy(p => (string?)p["metadata"]?["name"], StringComparer.Ordinal);

    /// <summary>Reacts to a committed change: syncs new Jobs, lets go of the tracking finalizer of terminal or deleted pods.</summary>
    public void OnChange(StoredEvent e)
    {
        if (e.StorageKey == ("batch", "jobs") && e.Type == StoredEvent.Added)
        {
            Sync(e.Namespace!, (string)e.Object["metadata"]!["name"]!);
        }
        else if (e.StorageKey == ("batch", "jobs") && e.Type == StoredEvent.Deleted)
        {
            // syncOrphanPod: pods of a Job that is gone keep no tracking finalizer.
            foreach (var pod in StoredPodsOf(e.Namespace!, (string)e.Object["metadata"]!["uid"]!).Where(p => HoldsTrackingFinalizer(p) && IsOrphan(p)).ToList())
            {
                ReleasePod(e.Namespace!, (string)pod["metadata"]!["name"]!);
            }
        }
        else if (e.StorageKey == ("", "pods") && e.Type != StoredEvent.Deleted && HoldsTrackingFinalizer(e.Object)
            && (e.Object["metadata"]?["deletionTimestamp"] is not null || (string?)e.Object["status"]?["phase"] is "Succeeded" or "Failed" || IsOrphan(e.Object)))
        {
            ReleasePod(e.Namespace!, (string)e.Object["metadata"]!["name"]!);
        }
    }

    /// <summary>The Job's pod: the existing one, or one created now; a refused create is answered with the API error.</summary>
    public ApiResult EnsurePod(string ns, string jobName)
    {
        ApiResult result;
        bool created;
        lock (_gate)
        {
            (result, created) = EnsurePodLocked(ns, jobName);
        }

        if (created)
        {
            PodCreated?.Invoke(ns, jobName);
        }

        return result;
    }

    /// <summary>Removes the tracking finalizer of a pod (the controller has counted it).</summary>
    public void ReleasePod(string ns, string podName) =>
        _store.Mutate(PodType, ns, podName, p =>
        {
            if (p["metadata"]?["finalizers"] is JsonArray list)
            {
                p["metadata"]!["finalizers"] = new JsonArray([.. list.Where(f => (string?)f != TrackingFinalizer).Select(f => f?.DeepClone())]);
            }
        }, statusOnly: false);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var (_, timer) in _retries.Values)
            {
                timer?.Dispose();
            }

            _retries.Clear();
        }
    }

    private void Sync(string ns, string jobName)
    {
        try
        {
            EnsurePod(ns, jobName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _onError(ex);
        }
    }

    private (ApiResult Result, bool Created) EnsurePodLocked(string ns, string jobName)
    {
        // Read-only: the pod is built from copies of the template's parts.
        if (_store.Peek(JobType, ns, jobName) is not { } job)
        {
            return (ApiErrors.NotFound(JobType, jobName), false);
        }

        var uid = (string)job["metadata"]!["uid"]!;
        if (StoredPodsOf(ns, uid).FirstOrDefault() is { } existing)
        {
            // The stored pod: presented (copied) only for a caller that reads the answer's body.
            return (new ApiResult(200, PodType, existing), false);
        }

        var key = ns + "/" + jobName;
        var finished = job["status"]?["conditions"] is JsonArray conditions
            && conditions.Any(c => (string?)c?["type"] is "Complete" or "Failed" && (string?)c?["status"] == "True");
        if (finished || job["metadata"]?["deletionTimestamp"] is not null || (bool?)job["spec"]?["suspend"] == true)
        {
            return (ApiErrors.Status(409, "Conflict", $"job {key} does not want pods"), false);
        }

        var now = _store.Timestamp();
        var created = _store.Create(PodType, ns, PodFor(job), owned: true);
        if (created.IsSuccess)
        {
            _retries.Remove(key, out var previous);
            previous.Timer?.Dispose();
            _store.MutateStatus(JobType, ns, jobName, (j, _) =>
            {
                var status = ObjectStore.EnsureObject(j, "status");
                status["startTime"] ??= now;
                status["active"] = 1;
                status["ready"] = 0;
                status["terminating"] = 0;
                status["uncountedTerminatedPods"] ??= new JsonObject();
            });
            return (created, true);
        }

        _store.MutateStatus(JobType, ns, jobName, (j, _) => ObjectStore.EnsureObject(j, "status")["startTime"] ??= now);

        // The retry is scheduled before the event is written, so whoever sees the event can count on the retry's clock.
        ScheduleRetryLocked(key, ns, jobName);
        var message = (string?)created.Body["message"] ?? "";
        if (!message.Contains("because it is being terminated", StringComparison.Ordinal))
        {
            RecordWarning(job, "FailedCreate", "Error creating: " + message);
        }

        return (created, false);
    }

    private void ScheduleRetryLocked(string key, string ns, string jobName)
    {
        if (_disposed)
        {
            return;
        }

        var failures = _retries.TryGetValue(key, out var entry) ? entry.Failures : 0;
        entry.Timer?.Dispose();
        var delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, InitialBackoff.Ticks << Math.Min(failures, 16)));
        var timer = _time.CreateTimer(_ => Sync(ns, jobName), null, delay, Timeout.InfiniteTimeSpan);
        _retries[key] = (failures + 1, timer);
    }

    private static JsonObject PodFor(JsonObject job)
    {
        var meta = job["metadata"]!;
        var name = (string)meta["name"]!;
        var uid = (string)meta["uid"]!;
        var template = job["spec"]?["template"] as JsonObject ?? [];
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];

        // The Job strategy puts these in the template (generateSelector); set here too in case the template lacks them.
        labels["batch.kubernetes.io/controller-uid"] ??= uid;
        labels["batch.kubernetes.io/job-name"] ??= name;
        labels["controller-uid"] ??= uid;
        labels["job-name"] ??= name;
        var podMeta = new JsonObject
        {
            ["generateName"] = name + "-",
            ["namespace"] = (string?)meta["namespace"],
            ["labels"] = labels,
            ["finalizers"] = new JsonArray(TrackingFinalizer),
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "Job",
                ["name"] = name,
                ["uid"] = uid,
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            }),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            podMeta["annotations"] = annotations.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = podMeta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>A core/v1 Event from <c>job-controller</c>, as client-go's recorder writes it; a repeat raises count and lastTimestamp.</summary>
    private void RecordWarning(JsonObject job, string reason, string message)
    {
        var eventType = _registry.Find("", "v1", "events")!;
        var meta = job["metadata"]!;
        var ns = (string)meta["namespace"]!;
        var uid = (string?)meta["uid"];
        var now = _store.Timestamp();
        var same = _store.Snapshot("", "events", e =>
            (string?)e["metadata"]?["namespace"] == ns && (string?)e["involvedObject"]?["uid"] == uid
            && (string?)e["reason"] == reason && (string?)e["message"] == message && (string?)e["source"]?["component"] == "job-controller");
        if (same is [var previous, ..])
        {
            _store.Mutate(eventType, ns, (string)previous["metadata"]!["name"]!, e =>
            {
                e["count"] = (JsonNumbers.Long(e["count"]) ?? 1) + 1;
                e["lastTimestamp"] = now;
            }, statusOnly: false);
            return;
        }

        // client-go names an event <object>.<unix nanoseconds in hex>; a clash (a clock that stands still) takes the next one.
        var nanos = (_store.Now() - DateTimeOffset.UnixEpoch).Ticks * 100;
        while (_store.Get(eventType, ns, EventName(meta, nanos)).IsSuccess)
        {
            nanos++;
        }

        _store.Create(eventType, ns, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = EventName(meta, nanos),
                ["namespace"] = ns,
            },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = "Job",
                ["namespace"] = ns,
                ["name"] = (string?)meta["name"],
                ["uid"] = uid,
                ["apiVersion"] = "batch/v1",
                ["resourceVersion"] = (string?)meta["resourceVersion"],
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = "job-controller" },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = "Warning",
            ["eventTime"] = null,
            ["reportingComponent"] = "job-controller",
            ["reportingInstance"] = "",
        });
    }

    private static string EventName(JsonNode meta, long nanos) => (string)meta["name"]! + "." + nanos.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>No controller, or a batch/v1 Job controller that no longer exists (a controller of another kind keeps it).</summary>
    private bool IsOrphan(JsonObject pod)
    {
        var controller = (pod["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(r => (bool?)r["controller"] == true);
        if (controller is null)
        {
            return true;
        }

        if ((string?)controller["kind"] != "Job" || (string?)controller["apiVersion"] != "batch/v1")
        {
            return false;
        }

        var job = _store.Get(JobType, (string?)pod["metadata"]?["namespace"], (string?)controller["name"] ?? "");
        return !job.IsSuccess || (string?)job.ReadOnlyBody["metadata"]?["uid"] != (string?)controller["uid"];
    }

    private static bool HoldsTrackingFinalizer(JsonObject pod) =>
        pod["metadata"]?["finalizers"] is JsonArray list && list.Any(f => (string?)f == TrackingFinalizer);
}
