using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Workloads;

namespace TinyImage.KubeEmulator;

/// <summary>
/// Deployments as kube-controller-manager 1.35 runs them: the deployment controller (ReplicaSet per pod template, RollingUpdate
/// with maxSurge/maxUnavailable or Recreate, status and the Available/Progressing conditions, progress deadline on the
/// emulator's clock) and the ReplicaSet controller (pods), whose pods a scheduler binds to one node and hands to
/// <see cref="Kubelet"/>. The default kubelet (<see cref="DefaultKubelet"/>) starts pods at once; they become Ready at once
/// with <see cref="AutoReady"/>, per Deployment with <see cref="MarkAvailable"/>, or never (<see cref="EmulatedKubelet.NeverReady"/>).
/// </summary>
public sealed class DeploymentSimulator
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly WorkloadControllers _controllers;

    internal DeploymentSimulator(ObjectStore store, ResourceRegistry registry, TimeProvider time, Action<Exception> onError)
    {
        _store = store;
        _registry = registry;
        _controllers = new WorkloadControllers(store, registry, time, onError) { Kubelet = DefaultKubelet };
    }

    /// <summary>The built-in kubelet: pods start at once; readiness as the test says.</summary>
    public EmulatedKubelet DefaultKubelet { get; } = new();

    /// <summary>The kubelet of the emulator's node (default <see cref="DefaultKubelet"/>); null: no node, pods stay Pending.</summary>
    public IKubelet? Kubelet
    {
        get => _controllers.Kubelet;
        set => _controllers.Kubelet = value;
    }

    /// <summary>When true, the default kubelet makes every pod Ready as soon as it starts, so every rollout completes at once.</summary>
    public bool AutoReady
    {
        get => DefaultKubelet.ReadyAtOnce;
        set => DefaultKubelet.ReadyAtOnce = value;
    }

    /// <summary>How many controller syncs ran so far (the cost of the controllers, for benchmarks).</summary>
    public long Syncs => _controllers.Syncs;

    private ResourceType DeploymentType => _registry.Find("apps", "v1", "deployments")!;

    /// <summary>
    /// The pods of Deployment <paramref name="ns"/>/<paramref name="name"/>, now and later, pass their readiness probe on the
    /// default kubelet, so its rollouts complete (through the controllers, asynchronously). Returns the Deployment as stored.
    /// </summary>
    public ApiResult MarkAvailable(string ns, string name)
    {
        DefaultKubelet.MarkDeploymentReady(ns, name);
        return _store.Get(DeploymentType, ns, name);
    }

    /// <summary>The pods of the Deployment, now and later, fail their readiness probe on the default kubelet. Returns the Deployment as stored.</summary>
    public ApiResult MarkUnavailable(string ns, string name)
    {
        DefaultKubelet.MarkDeploymentReady(ns, name, ready: false);
        return _store.Get(DeploymentType, ns, name);
    }

    /// <summary>The ReplicaSets the Deployment controls, oldest first.</summary>
    public IReadOnlyList<JsonObject> ReplicaSetsOf(string ns, string name) =>
        _store.Get(DeploymentType, ns, name) is { IsSuccess: true } d
            ? [.. _store.Controlled(ObjectStore.ReplicaSetsKeyOf, (string)d.Body["metadata"]!["uid"]!).Select(r => (JsonObject)r.DeepClone())
                .Order(Comparer<JsonObject>.Create((a, b) => ReplicaSetView.ByCreation(new ReplicaSetView(a), new ReplicaSetView(b))))]
            : [];

    /// <summary>The pods of the Deployment's ReplicaSets.</summary>
    public IReadOnlyList<JsonObject> PodsOf(string ns, string name) =>
        [.. ReplicaSetsOf(ns, name).SelectMany(rs => _store.Controlled(ObjectStore.PodsKeyOf, (string)rs["metadata"]!["uid"]!)).Select(p => (JsonObject)p.DeepClone())];

    internal void OnChange(StoredEvent e, CancellationToken stopping) => _controllers.OnChange(e, stopping);

    internal Task RunAsync(CancellationToken cancellationToken) => _controllers.RunAsync(cancellationToken);
}
