using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// The ReplicaSet controller of kube-controller-manager 1.35 (pkg/controller/replicaset/replica_set.go, replica_set_utils.go):
/// adopts orphan pods its selector matches, creates pods from the template (<c>generateName: &lt;rs&gt;-</c>, the template's
/// labels and annotations, a controller owner reference) or deletes the least useful ones until the active pods equal
/// spec.replicas, and writes status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas with minReadySeconds
/// on the emulator's clock, terminatingReplicas, observedGeneration).
/// </summary>
internal sealed class ReplicaSetController(ObjectStore store, ResourceRegistry registry, WorkQueue queue)
{
    private ResourceType ReplicaSets => registry.Find("apps", "v1", "replicasets")!;

    private ResourceType Pods => registry.Find("", "v1", "pods")!;

    public void Sync(string ns, string name)
    {
        // Read-only: the view is never written to (scaling and status go through the store).
        if (store.Peek(ReplicaSets, ns, name) is not { } found)
        {
            return;
        }

        var rs = new ReplicaSetView(found);
        var selector = Selectors.FromLabelSelector(rs.Object["spec"]?["selector"] as JsonObject);
        var pods = ClaimPods(rs, selector).Where(PodReadiness.IsActive).ToList();
        if (!rs.Deleting)
        {
            ManageReplicas(rs, pods);
            pods = [.. store.Controlled(ObjectStore.PodsKeyOf, rs.Uid).Where(PodReadiness.IsActive)];
        }

        var now = store.Now();
        var templateLabels = Selectors.Labels(rs.Template);
        var status = new JsonObject
        {
            ["replicas"] = pods.Count,
        };
        SetCount(status, "fullyLabeledReplicas", pods.Count(p => Selectors.HasLabels(p, templateLabels)));
        var ready = pods.Count(PodReadiness.IsReady);
        var available = pods.Count(p => PodReadiness.IsAvailable(p, rs.MinReadySeconds, now));
        SetCount(status, "readyReplicas", ready);
        SetCount(status, "availableReplicas", available);
        status["terminatingReplicas"] = 0; // pods are deleted at once here (no graceful termination), DeploymentReplicaSetTerminatingReplicas is on in 1.35
        status["observedGeneration"] = rs.Generation;
        store.WriteStatus(ReplicaSets, ns, name, status);

        // As the real controller: resync after minReadySeconds when every replica is ready but not yet available.
        if (rs.MinReadySeconds > 0 && ready == rs.SpecReplicas && available != rs.SpecReplicas)
        {
            queue.AddAt(WorkloadKeys.ReplicaSet(ns, name), now + TimeSpan.FromSeconds(rs.MinReadySeconds));
        }
    }

    /// <summary>The ReplicaSet's pod became ready: with minReadySeconds, look again once it may count as available.</summary>
    public void PodBecameReady(string ns, string replicaSet)
    {
        if (store.Peek(ReplicaSets, ns, replicaSet) is { } found && new ReplicaSetView(found).MinReadySeconds is > 0 and var seconds)
        {
            queue.AddAfter(WorkloadKeys.ReplicaSet(ns, replicaSet), TimeSpan.FromSeconds(seconds + 1));
        }
    }

    private List<JsonObject> ClaimPods(ReplicaSetView rs, Func<JsonObject, bool> selector)
    {
        var owned = store.Controlled(ObjectStore.PodsKeyOf, rs.Uid).ToList();
        if (rs.Deleting)
        {
            return owned;
        }

        foreach (var orphan in store.Orphans(ObjectStore.PodsKeyOf, rs.Namespace).Where(p => selector(p) && PodReadiness.IsActive(p)))
        {
            var adopted = store.Mutate(Pods, rs.Namespace, (string)orphan["metadata"]!["name"]!, p =>
            {
                if (p["metadata"]?["ownerReferences"] is JsonArray refs && refs.OfType<JsonObject>().Any(o => (bool?)o["controller"] == true))
                {
                    return;
                }

                var list = p["metadata"]!["ownerReferences"] as JsonArray ?? [];
                list.Add((JsonNode)ControllerRef("apps/v1", "ReplicaSet", rs.Name, rs.Uid));
                p["metadata"]!["ownerReferences"] = list;
            }, statusOnly: false);
            if (adopted.IsSuccess)
            {
                owned.Add(adopted.Body);
            }
        }

        // Release owned pods the selector no longer matches (the real controller patches their owner reference away).
        foreach (var stray in owned.Where(p => !selector(p)).ToList())
        {
            store.Mutate(Pods, rs.Namespace, (string)stray["metadata"]!["name"]!, p =>
            {
                if (p["metadata"]?["ownerReferences"] is JsonArray refs)
                {
                    foreach (var r in refs.OfType<JsonObject>().Where(r => (string?)r["uid"] == rs.Uid).ToList())
                    {
                        refs.Remove(r);
                    }
                }
            }, statusOnly: false);
            owned.Remove(stray);
        }

        return owned;
    }

    private void ManageReplicas(ReplicaSetView rs, List<JsonObject> active)
    {
        var diff = active.Count - rs.SpecReplicas;
        if (diff < 0)
        {
            for (var i = 0; i < Math.Min(-diff, 500); i++)
            {
                var created = store.Create(Pods, rs.Namespace, PodFromTemplate(rs), owned: true);
                if (!created.IsSuccess)
                {
                    return; // the real controller records a ReplicaFailure condition; the next sync tries again
                }
            }
        }
        else if (diff > 0)
        {
            foreach (var pod in active.Order(Comparer<JsonObject>.Create(PodReadiness.DeletionOrder)).Take(diff))
            {
                store.Delete(Pods, rs.Namespace, (string)pod["metadata"]!["name"]!, new DeleteOptions());
            }
        }
    }

    private static JsonObject PodFromTemplate(ReplicaSetView rs)
    {
        var template = rs.Template;
        var meta = new JsonObject
        {
            ["generateName"] = rs.Name + "-",
            ["namespace"] = rs.Namespace,
            ["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = new JsonArray(ControllerRef("apps/v1", "ReplicaSet", rs.Name, rs.Uid)),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            meta["annotations"] = annotations.DeepClone();
        }

        if (template["metadata"]?["finalizers"] is JsonArray finalizers)
        {
            meta["finalizers"] = finalizers.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    internal static JsonObject ControllerRef(string apiVersion, string kind, string name, string uid) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>The status counters are <c>omitempty</c>: a zero is absent on the wire.</summary>
    internal static void SetCount(JsonObject status, string field, int value)
    {
        if (value != 0)
        {
            status[field] = value;
        }
    }
}
