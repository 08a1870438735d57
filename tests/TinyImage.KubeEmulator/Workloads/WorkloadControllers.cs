using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// The deployment and ReplicaSet controllers and the scheduler of the emulator: informer-style event handlers feed one work
/// queue, one worker syncs a key at a time against the store, and every new pod (but a Job's, which the Job stand-in runs) is
/// bound to the one node and handed to the kubelet.
/// </summary>
internal sealed class WorkloadControllers
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly Action<Exception> _onError;
    private readonly WorkQueue _queue;
    private readonly DeploymentController _deployments;
    private readonly ReplicaSetController _replicaSets;
    private readonly ConcurrentDictionary<string, (KubeletPod Pod, IKubelet Kubelet)> _bound = new(StringComparer.Ordinal);
    private long _syncs;

    public WorkloadControllers(ObjectStore store, ResourceRegistry registry, TimeProvider time, Action<Exception> onError)
    {
        _store = store;
        _registry = registry;
        _onError = onError;
        _queue = new WorkQueue(time);
        _deployments = new DeploymentController(store, registry, _queue);
        _replicaSets = new ReplicaSetController(store, registry, _queue);
    }

    /// <summary>The kubelet new pods are handed to; null: no node, pods stay Pending and unscheduled.</summary>
    public IKubelet? Kubelet { get; set; }

    /// <summary>How many syncs the worker ran (for measuring what a Deployment costs).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    private ResourceType Pods => _registry.Find("", "v1", "pods")!;

    /// <summary>The informers' event handlers (called for every committed change, in order).</summary>
    public void OnChange(StoredEvent e, CancellationToken stopping)
    {
        var meta = e.Object["metadata"];
        var ns = (string?)meta?["namespace"] ?? "";
        var name = (string?)meta?["name"] ?? "";
        switch (e.StorageKey)
        {
            case ("apps", "deployments"):
                _queue.Add(WorkloadKeys.Deployment(ns, name));
                break;
            case ("apps", "replicasets"):
                _queue.Add(WorkloadKeys.ReplicaSet(ns, name));
                if (Controller(e.Object, "Deployment") is { } deployment)
                {
                    _queue.Add(WorkloadKeys.Deployment(ns, deployment));
                }

                break;
            case ("", "pods"):
                OnPod(e, ns, name, stopping);
                break;
        }
    }

    /// <summary>The worker: one key at a time until the emulator stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var key = await _queue.TakeAsync(cancellationToken);
                Interlocked.Increment(ref _syncs);
                try
                {
                    if (key.StartsWith(WorkloadKeys.DeploymentPrefix, StringComparison.Ordinal))
                    {
                        var (ns, name) = WorkloadKeys.Split(key, WorkloadKeys.DeploymentPrefix);
                        _deployments.Sync(ns, name);
                    }
                    else
                    {
                        var (ns, name) = WorkloadKeys.Split(key, WorkloadKeys.ReplicaSetPrefix);
                        _replicaSets.Sync(ns, name);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _onError(ex);
                }
            }
        }
        finally
        {
            _queue.Stop();
        }
    }

    private void OnPod(StoredEvent e, string ns, string name, CancellationToken stopping)
    {
        var uid = (string?)e.Object["metadata"]?["uid"] ?? "";
        var replicaSet = Controller(e.Object, "ReplicaSet");
        if (replicaSet is not null)
        {
            _queue.Add(WorkloadKeys.ReplicaSet(ns, replicaSet));
            if (e.OldObject is { } old && !PodReadiness.IsReady(old) && PodReadiness.IsReady(e.Object))
            {
                _replicaSets.PodBecameReady(ns, replicaSet);
            }
        }

        if (e.Type == StoredEvent.Deleted)
        {
            if (_bound.TryRemove(uid, out var gone))
            {
                Run(() => gone.Kubelet.StopPodAsync(gone.Pod, stopping), stopping);
            }

            return;
        }

        if (Kubelet is not { } kubelet || _bound.ContainsKey(uid) || !string.IsNullOrEmpty((string?)e.Object["spec"]?["nodeName"])
            || Controller(e.Object, "Job") is not null || !PodReadiness.IsActive(e.Object))
        {
            return;
        }

        // The scheduler's binding: spec.nodeName and PodScheduled=True in one write, as the pods/binding subresource does.
        var bound = _store.Bind(Pods, ns, name, uid, KubeletPod.NodeName, status => KubeletPod.Set(status, "PodScheduled", "True", null, null, _store.Timestamp()));
        if (bound is null)
        {
            return;
        }

        var deployment = replicaSet is null ? null : DeploymentOf(ns, replicaSet);
        var pod = new KubeletPod(_store, Pods, bound, replicaSet, deployment);
        _bound[uid] = (pod, kubelet);
        Run(() => kubelet.StartPodAsync(pod, stopping), stopping);
    }

    private string? DeploymentOf(string ns, string replicaSet) =>
        _store.Peek(_registry.Find("apps", "v1", "replicasets")!, ns, replicaSet) is { } rs ? Controller(rs, "Deployment") : null;

    private void Run(Func<Task> work, CancellationToken stopping) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _onError(ex);
            }
        }, stopping);

    private static string? Controller(JsonObject obj, string kind) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(o => (string?)o["kind"] == kind && o["controller"] is JsonValue c && c.TryGetValue<bool>(out var b) && b)?["name"]?.GetValue<string>();
}
