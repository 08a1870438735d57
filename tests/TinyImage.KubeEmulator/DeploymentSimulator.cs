using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// Plays deployment controller and kubelet for apps/v1 Deployments: writes the status a rolled-out
/// (or stuck) Deployment has, on demand or automatically for every spec change.
/// </summary>
public sealed class DeploymentSimulator
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;

    internal DeploymentSimulator(ObjectStore store, ResourceRegistry registry)
    {
        _store = store;
        _registry = registry;
    }

    /// <summary>When true, every Deployment whose generation is not yet observed becomes available at once.</summary>
    public bool AutoReady { get; set; }

    private ResourceType Type => _registry.Find("apps", "v1", "deployments")!;

    /// <summary>
    /// Marks a Deployment rolled out: observedGeneration = generation, replicas/updated/ready/available =
    /// <paramref name="readyReplicas"/> (default spec.replicas, else 1), conditions Available and Progressing True.
    /// </summary>
    public ApiResult MarkAvailable(string ns, string name, int? readyReplicas = null) =>
        _store.Mutate(Type, ns, name, d =>
        {
            var replicas = (int)(JsonNumbers.Long(d["spec"]?["replicas"]) ?? 1);
            var ready = readyReplicas ?? replicas;
            var now = _store.Timestamp();
            d["status"] = new JsonObject
            {
                ["observedGeneration"] = JsonNumbers.Long(d["metadata"]?["generation"]) ?? 1,
                ["replicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["conditions"] = new JsonArray(
                    Condition(ready >= replicas ? "True" : "False", "Available", ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                        ready >= replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now),
                    Condition("True", "Progressing", "NewReplicaSetAvailable", $"ReplicaSet \"{name}\" has successfully progressed.", now)),
            };
        }, statusOnly: true);

    /// <summary>Marks a Deployment stuck: no ready replicas, Available False and Progressing False with <paramref name="reason"/>.</summary>
    public ApiResult MarkUnavailable(string ns, string name, string reason = "ProgressDeadlineExceeded", string message = "ReplicaSet has timed out progressing.") =>
        _store.Mutate(Type, ns, name, d =>
        {
            var replicas = (int)(JsonNumbers.Long(d["spec"]?["replicas"]) ?? 1);
            var now = _store.Timestamp();
            d["status"] = new JsonObject
            {
                ["observedGeneration"] = JsonNumbers.Long(d["metadata"]?["generation"]) ?? 1,
                ["replicas"] = replicas,
                ["updatedReplicas"] = replicas,
                ["unavailableReplicas"] = replicas,
                ["conditions"] = new JsonArray(
                    Condition("False", "Available", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now),
                    Condition("False", "Progressing", reason, message, now)),
            };
        }, statusOnly: true);

    internal void OnChange(StoredEvent e)
    {
        if (!AutoReady || e.StorageKey != ("apps", "deployments") || e.Type == StoredEvent.Deleted)
        {
            return;
        }

        var generation = JsonNumbers.Long(e.Object["metadata"]?["generation"]);
        var observed = JsonNumbers.Long(e.Object["status"]?["observedGeneration"]);
        if (generation != observed && e.Object["metadata"]?["deletionTimestamp"] is null)
        {
            MarkAvailable((string)e.Object["metadata"]!["namespace"]!, (string)e.Object["metadata"]!["name"]!);
        }
    }

    private static JsonObject Condition(string status, string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastUpdateTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };
}
