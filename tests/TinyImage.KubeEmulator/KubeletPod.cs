using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// A pod bound to the emulator's node, as its kubelet sees it, with the status reports a kubelet makes
/// (pod phase, container states, and the Ready / ContainersReady conditions, as pkg/kubelet/status computes them).
/// Every report carries the pod's <c>metadata.generation</c> as <c>status.observedGeneration</c> and as each condition's
/// <c>observedGeneration</c> (PodObservedGenerationTracking, GA and locked on in 1.35: the status manager's
/// <c>SetPodStatus</c> and the conditions of pkg/kubelet/status/generate.go). Reports about a pod that was deleted
/// meanwhile are dropped.
/// </summary>
public sealed class KubeletPod
{
    /// <summary>The node every pod is bound to.</summary>
    public const string NodeName = "kube-emulator-node";

    private readonly ObjectStore _store;
    private readonly ResourceType _podType;

    internal KubeletPod(ObjectStore store, ResourceType podType, JsonObject pod, string? replicaSet, string? deployment)
    {
        _store = store;
        _podType = podType;
        Object = pod;
        ReplicaSet = replicaSet;
        Deployment = deployment;
    }

    /// <summary>The pod as it was bound (read-only: the committed object itself).</summary>
    public JsonObject Object { get; }

    /// <summary>The pod's namespace.</summary>
    public string Namespace => (string)Object["metadata"]!["namespace"]!;

    /// <summary>The pod's name.</summary>
    public string Name => (string)Object["metadata"]!["name"]!;

    /// <summary>The pod's uid.</summary>
    public string Uid => (string)Object["metadata"]!["uid"]!;

    /// <summary>The ReplicaSet controlling the pod, if any.</summary>
    public string? ReplicaSet { get; }

    /// <summary>The Deployment controlling that ReplicaSet, if any.</summary>
    public string? Deployment { get; }

    /// <summary>The pod's first container.</summary>
    public JsonObject? FirstContainer => (Object["spec"]?["containers"] as JsonArray)?.FirstOrDefault() as JsonObject;

    /// <summary>The first container's image.</summary>
    public string? Image => (string?)FirstContainer?["image"];

    /// <summary>The pod is still stored (same uid).</summary>
    public bool Exists => _store.Get(_podType, Namespace, Name) is { IsSuccess: true } r && (string?)r.ReadOnlyBody["metadata"]?["uid"] == Uid;

    /// <summary>The pod as stored now, or null.</summary>
    public JsonObject? Current => _store.Get(_podType, Namespace, Name) is { IsSuccess: true } r && (string?)r.Body["metadata"]?["uid"] == Uid ? r.Body : null;

    /// <summary>
    /// Containers started: phase Running, every container running; ready at once with <paramref name="ready"/> (a container
    /// without a readiness probe is ready as soon as it runs), else not yet ready.
    /// </summary>
    public void ReportRunning(bool ready = false) => Write((status, now, generation) =>
    {
        status["phase"] = "Running";
        status["startTime"] ??= now;
        status["hostIP"] ??= "127.0.0.1";
        status["podIP"] ??= "127.0.0.1";
        status["containerStatuses"] = Containers(status, c =>
        {
            var s = c.State(new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }, started: true);
            s["ready"] = ready;
            return s;
        });
        SetConditions(status, ready, now, generation);
    });

    /// <summary>The readiness probes pass (<paramref name="ready"/>) or fail: the Ready and ContainersReady conditions follow.</summary>
    public void ReportReady(bool ready = true) => Write((status, now, generation) =>
    {
        if ((string?)status["phase"] != "Running")
        {
            return; // a kubelet reports readiness only of running containers
        }

        foreach (var c in (status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            c["ready"] = ready && c["state"]?["running"] is not null;
        }

        SetConditions(status, ready, now, generation);
    });

    /// <summary>
    /// The first container exited (restartPolicy Always): restartCount + 1, lastState terminated with the exit code, and the
    /// container waits in CrashLoopBackOff; the pod stays Running and is not ready.
    /// </summary>
    public void ReportExited(int exitCode, string reason = "Error", string? message = null) => Write((status, now, generation) =>
    {
        status["phase"] = "Running";
        status["startTime"] ??= now;
        var first = true;
        status["containerStatuses"] = Containers(status, c =>
        {
            if (!first)
            {
                return c.Existing;
            }

            first = false;
            var terminated = new JsonObject
            {
                ["exitCode"] = exitCode,
                ["reason"] = reason,
                ["startedAt"] = (string?)c.Existing?["state"]?["running"]?["startedAt"] ?? now,
                ["finishedAt"] = now,
                ["containerID"] = "containerd://" + Guid.NewGuid().ToString("N"),
            };
            if (message is not null)
            {
                terminated["message"] = message;
            }

            var restarts = (int)(JsonNumbers.Long(c.Existing?["restartCount"]) ?? 0) + 1;
            var waiting = new JsonObject
            {
                ["reason"] = "CrashLoopBackOff",
                ["message"] = $"back-off 10s restarting failed container={c.Name} pod={Name}_{Namespace}({Uid})",
            };
            var s = c.State(new JsonObject { ["waiting"] = waiting }, started: false);
            s["restartCount"] = restarts;
            s["lastState"] = new JsonObject { ["terminated"] = terminated };
            return s;
        });
        SetConditions(status, ready: false, now, generation);
    });

    /// <summary>The first container cannot start and waits with <paramref name="reason"/> (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, ...).</summary>
    public void ReportWaiting(string reason, string message) => Write((status, now, generation) =>
    {
        var first = true;
        status["containerStatuses"] = Containers(status, c =>
        {
            if (!first)
            {
                return c.Existing;
            }

            first = false;
            return c.State(new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } }, started: false);
        });
        SetConditions(status, ready: false, now, generation);
    });

    private void Write(Action<JsonObject, string, long> edit) =>
        _store.MutateStatus(_podType, Namespace, Name, (p, stored) =>
        {
            if ((string?)stored["metadata"]?["uid"] != Uid)
            {
                return;
            }

            var status = ObjectStore.EnsureObject(p, "status");
            edit(status, _store.Timestamp(), Generation(stored));
        });

    private JsonArray Containers(JsonObject status, Func<ContainerSlot, JsonNode?> next)
    {
        var existing = (status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(c => (string?)c["name"] ?? "", StringComparer.Ordinal);
        return new JsonArray([.. (Object["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c =>
        {
            var name = (string?)c["name"] ?? "";
            var slot = new ContainerSlot(name, (string?)c["image"] ?? "", existing.GetValueOrDefault(name));
            // A state made here goes in as it is; one kept (the slot's existing status) belongs to the array being replaced: copied.
            return next(slot) is { } state ? (state.Parent is null ? state : state.DeepClone())
                : slot.State(new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } }, started: false);
        })]);
    }

    private void SetConditions(JsonObject status, bool ready, string now, long generation)
    {
        var unready = ready ? [] : (Object["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (string?)c["name"]).ToList();
        var reason = ready ? null : "ContainersNotReady";
        var message = ready ? null : $"containers with unready status: [{string.Join(' ', unready)}]";
        var running = (string?)status["phase"] == "Running";
        SetObservedGeneration(status, generation);
        Set(status, "PodReadyToStartContainers", running ? "True" : "False", null, null, now, generation);
        Set(status, "Initialized", "True", null, null, now, generation);
        Set(status, "Ready", ready ? "True" : "False", reason, message, now, generation);
        Set(status, "ContainersReady", ready ? "True" : "False", reason, message, now, generation);
        Set(status, "PodScheduled", "True", null, null, now, generation);
    }

    /// <summary>The pod's <c>metadata.generation</c> (1 from its create; a spec change adds one).</summary>
    internal static long Generation(JsonObject pod) => JsonNumbers.Long(pod["metadata"]?["generation"]) ?? 0;

    /// <summary>
    /// <c>status.observedGeneration</c> as the kubelet's status manager sets it: the pod's generation, in Go's field order
    /// (the first field of PodStatus).
    /// </summary>
    internal static void SetObservedGeneration(JsonObject status, long generation)
    {
        if (generation <= 0)
        {
            return;
        }

        status.Remove("observedGeneration");
        status.Insert(0, "observedGeneration", generation);
    }

    /// <summary>
    /// Sets one condition, keeping its lastTransitionTime when its status did not change. A kubelet's condition carries
    /// <paramref name="generation"/> as its observedGeneration; 0 leaves it out, as the pods/binding subresource writes
    /// PodScheduled (pkg/registry/core/pod/storage/storage.go <c>setPodNodeAndMetadata</c>).
    /// </summary>
    internal static void Set(JsonObject status, string type, string value, string? reason, string? message, string now, long generation = 0)
    {
        var conditions = status["conditions"] as JsonArray;
        if (conditions is null)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var transition = existing is not null && (string?)existing["status"] == value ? (string?)existing["lastTransitionTime"] ?? now : now;
        var condition = new JsonObject { ["type"] = type };
        if (generation > 0)
        {
            condition["observedGeneration"] = generation;
        }

        condition["status"] = value;
        condition["lastProbeTime"] = null;
        condition["lastTransitionTime"] = transition;
        if (reason is not null)
        {
            condition["reason"] = reason;
        }

        if (message is not null)
        {
            condition["message"] = message;
        }

        if (existing is null)
        {
            conditions.Add((JsonNode)condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
    }

    private sealed record ContainerSlot(string Name, string Image, JsonObject? Existing)
    {
        public JsonObject State(JsonObject? state, bool started) => new()
        {
            ["name"] = Name,
            ["image"] = Image,
            ["imageID"] = "",
            ["containerID"] = (string?)Existing?["containerID"] ?? "containerd://" + Guid.NewGuid().ToString("N"),
            ["ready"] = false,
            ["started"] = started,
            ["restartCount"] = (int)(JsonNumbers.Long(Existing?["restartCount"]) ?? 0),
            ["lastState"] = Existing?["lastState"]?.DeepClone() ?? new JsonObject(),
            ["state"] = state,
        };
    }
}
