using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>The status half of the deployment controller: sync.go <c>calculateStatus</c> and progress.go <c>syncRolloutStatus</c>.</summary>
internal sealed partial class DeploymentController
{
    private static readonly HashSet<string> AnnotationsNotCopied = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        ReplicaSetView.RevisionAnnotation,
        "deployment.kubernetes.io/revision-history",
        ReplicaSetView.DesiredReplicasAnnotation,
        ReplicaSetView.MaxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    };

    /// <summary><c>syncDeploymentStatus</c>: the computed status, written when it differs.</summary>
    private void SyncDeploymentStatus(DeploymentView d, List<ReplicaSetView> all, ReplicaSetView? newRs)
    {
        var status = CalculateStatus(all, newRs, d);
        if (!JsonNode.DeepEquals(status, d.StatusNode))
        {
            d.ReplaceStatus(status);
            Commit(d);
        }
    }

    /// <summary>
    /// <c>syncRolloutStatus</c>: the computed status plus the Progressing condition: NewReplicaSetAvailable once complete,
    /// ReplicaSetUpdated (lastUpdateTime renewed) while there is progress, ProgressDeadlineExceeded once the last progress is
    /// older than progressDeadlineSeconds on the emulator's clock. Requeues itself for that deadline.
    /// </summary>
    private void SyncRolloutStatus(DeploymentView d, List<ReplicaSetView> all, ReplicaSetView? newRs)
    {
        var newStatus = CalculateStatus(all, newRs, d);
        if (d.ProgressDeadlineSeconds is null)
        {
            RemoveCondition(newStatus, "Progressing");
        }

        var current = Condition(d.Status, "Progressing");
        var complete = Count(newStatus, "replicas") == Count(newStatus, "updatedReplicas") && (string?)current?["reason"] == "NewReplicaSetAvailable";
        if (d.ProgressDeadlineSeconds is not null && !complete)
        {
            if (DeploymentComplete(d, newStatus))
            {
                var message = newRs is null ? $"Deployment \"{d.Name}\" has successfully progressed." : $"ReplicaSet \"{newRs.Name}\" has successfully progressed.";
                SetCondition(newStatus, NewCondition("Progressing", "True", "NewReplicaSetAvailable", message));
            }
            else if (DeploymentProgressing(d, newStatus))
            {
                var message = newRs is null ? $"Deployment \"{d.Name}\" is progressing." : $"ReplicaSet \"{newRs.Name}\" is progressing.";
                var condition = NewCondition("Progressing", "True", "ReplicaSetUpdated", message);
                if (current is not null)
                {
                    if ((string?)current["status"] == "True")
                    {
                        condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
                    }

                    RemoveCondition(newStatus, "Progressing");
                }

                SetCondition(newStatus, condition);
            }
            else if (DeploymentTimedOut(d, newStatus))
            {
                var message = newRs is null ? $"Deployment \"{d.Name}\" has timed out progressing." : $"ReplicaSet \"{newRs.Name}\" has timed out progressing.";
                SetCondition(newStatus, NewCondition("Progressing", "False", "ProgressDeadlineExceeded", message));
            }
        }

        // ReplicaFailure conditions of the ReplicaSets are not reported here (the emulator's ReplicaSets do not fail to create pods).
        RemoveCondition(newStatus, "ReplicaFailure");
        if (JsonNode.DeepEquals(newStatus, d.StatusNode))
        {
            RequeueStuckDeployment(d, newStatus);
            return;
        }

        d.ReplaceStatus(newStatus);
        Commit(d);
    }

    /// <summary><c>requeueStuckDeployment</c>: check again when the progress deadline will have passed (plus a second).</summary>
    private void RequeueStuckDeployment(DeploymentView d, JsonObject newStatus)
    {
        var current = Condition(d.Status, "Progressing");
        if (d.ProgressDeadlineSeconds is not { } deadline || current is null)
        {
            return;
        }

        if (DeploymentComplete(d, newStatus) || (string?)current["reason"] == "ProgressDeadlineExceeded")
        {
            return;
        }

        // The deadline is anchored to this reading of the clock, not turned into a delay counted from whenever the queue
        // makes its timer (WorkQueue.AddAt).
        var now = store.Now();
        var lastUpdate = Time((string?)current["lastUpdateTime"]) ?? now;
        var after = lastUpdate.AddSeconds(deadline) - now;
        queue.AddAt(WorkloadKeys.Deployment(d.Namespace, d.Name), now + (after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1)));
    }

    /// <summary><c>calculateStatus</c>: counters over all ReplicaSets (zeros omitted, as the API's omitempty), and the Available condition.</summary>
    private JsonObject CalculateStatus(List<ReplicaSetView> all, ReplicaSetView? newRs, DeploymentView d)
    {
        var available = all.Sum(r => r.AvailableReplicas);
        var total = all.Sum(r => r.SpecReplicas);
        var unavailable = Math.Max(0, total - available);
        var status = new JsonObject { ["observedGeneration"] = d.Generation };
        ReplicaSetController.SetCount(status, "replicas", all.Sum(r => r.StatusReplicas));
        ReplicaSetController.SetCount(status, "updatedReplicas", newRs?.StatusReplicas ?? 0);
        ReplicaSetController.SetCount(status, "readyReplicas", all.Sum(r => r.ReadyReplicas));
        ReplicaSetController.SetCount(status, "availableReplicas", available);
        ReplicaSetController.SetCount(status, "unavailableReplicas", unavailable);
        // GetTerminatingReplicaCountForReplicaSets: unknown (absent) once a ReplicaSet that was synced did not report it.
        if (!all.Any(r => r.ObservedGeneration > 0 && r.TerminatingReplicas is null))
        {
            status["terminatingReplicas"] = all.Sum(r => r.TerminatingReplicas ?? 0);
        }

        if (d.Status["conditions"] is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }

        if (d.CollisionCount is { } collisions)
        {
            status["collisionCount"] = collisions;
        }

        SetCondition(status, available >= d.Replicas - Fenceposts.MaxUnavailable(d)
            ? NewCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : NewCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."));
        return status;
    }

    /// <summary><c>DeploymentComplete</c>: updated, total and available replicas equal spec.replicas and the generation is observed.</summary>
    internal static bool DeploymentComplete(DeploymentView d, JsonObject status) =>
        Count(status, "updatedReplicas") == d.Replicas
        && Count(status, "replicas") == d.Replicas
        && Count(status, "availableReplicas") == d.Replicas
        && (JsonNumbers.Long(status["observedGeneration"]) ?? 0) >= d.Generation;

    /// <summary><c>DeploymentProgressing</c>: more updated, fewer old, more ready or more available replicas than before.</summary>
    internal static bool DeploymentProgressing(DeploymentView d, JsonObject newStatus)
    {
        var old = d.Status;
        var oldOld = Count(old, "replicas") - Count(old, "updatedReplicas");
        var newOld = Count(newStatus, "replicas") - Count(newStatus, "updatedReplicas");
        return Count(newStatus, "updatedReplicas") > Count(old, "updatedReplicas")
            || newOld < oldOld
            || Count(newStatus, "readyReplicas") > Count(old, "readyReplicas")
            || Count(newStatus, "availableReplicas") > Count(old, "availableReplicas");
    }

    /// <summary><c>DeploymentTimedOut</c>: the Progressing condition's lastUpdateTime plus the deadline is before now.</summary>
    private bool DeploymentTimedOut(DeploymentView d, JsonObject newStatus) => DeploymentTimedOut(d, newStatus, store.Now());

    internal static bool DeploymentTimedOut(DeploymentView d, JsonObject newStatus, DateTimeOffset now)
    {
        if (d.ProgressDeadlineSeconds is not { } deadline || Condition(newStatus, "Progressing") is not { } condition)
        {
            return false;
        }

        switch ((string?)condition["reason"])
        {
            case "NewReplicaSetAvailable":
                return false;
            case "ProgressDeadlineExceeded":
                return true;
        }

        return Time((string?)condition["lastUpdateTime"]) is { } from && from.AddSeconds(deadline) < now;
    }

    private static int Count(JsonObject status, string field) => (int)(JsonNumbers.Long(status[field]) ?? 0);

    private static DateTimeOffset? Time(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    internal static JsonObject? Condition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private JsonObject NewCondition(string type, string status, string reason, string message)
    {
        var now = store.Timestamp();
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = now,
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }

    /// <summary><c>SetDeploymentCondition</c>: no change for the same status and reason; lastTransitionTime kept for the same status; appended last.</summary>
    private static void SetCondition(JsonObject status, JsonObject condition)
    {
        var current = Condition(status, (string)condition["type"]!);
        if (current is not null && (string?)current["status"] == (string?)condition["status"] && (string?)current["reason"] == (string?)condition["reason"])
        {
            return;
        }

        if (current is not null && (string?)current["status"] == (string?)condition["status"])
        {
            condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
        }

        RemoveCondition(status, (string)condition["type"]!);
        var conditions = status["conditions"] as JsonArray ?? [];
        conditions.Add((JsonNode)condition);
        status["conditions"] = conditions;
    }

    private static void RemoveCondition(JsonObject status, string type)
    {
        if (status["conditions"] is JsonArray conditions)
        {
            foreach (var c in conditions.OfType<JsonObject>().Where(c => (string?)c["type"] == type).ToList())
            {
                conditions.Remove(c);
            }

            if (conditions.Count == 0)
            {
                status.Remove("conditions");
            }
        }
    }

    /// <summary><c>SetDeploymentRevision</c>: the Deployment's revision annotation.</summary>
    private static bool SetDeploymentRevision(DeploymentView d, string revision)
    {
        if ((string?)d.Annotations?[ReplicaSetView.RevisionAnnotation] == revision)
        {
            return false;
        }

        d.WritableAnnotations()[ReplicaSetView.RevisionAnnotation] = revision;
        return true;
    }

    /// <summary>
    /// <c>SetNewReplicaSetAnnotations</c>: the Deployment's annotations (but the revision, history, replica and
    /// last-applied ones), the revision when it is higher (the former one goes to revision-history), and for a new ReplicaSet
    /// desired-replicas and max-replicas.
    /// </summary>
    internal static bool SetNewReplicaSetAnnotations(DeploymentView d, JsonObject rs, string newRevision, bool exists)
    {
        var changed = false;
        var meta = ObjectStore.EnsureObject(rs, "metadata");
        var annotations = meta["annotations"] as JsonObject ?? [];
        meta["annotations"] = annotations;
        foreach (var (key, value) in d.Annotations ?? [])
        {
            if (AnnotationsNotCopied.Contains(key) || (string?)annotations[key] == (string?)value)
            {
                continue;
            }

            annotations[key] = value?.DeepClone();
            changed = true;
        }

        var oldRevisionText = (string?)annotations[ReplicaSetView.RevisionAnnotation];
        long oldRevision = 0;
        if (oldRevisionText is not null && !long.TryParse(oldRevisionText, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevision))
        {
            return false;
        }

        var revision = long.Parse(newRevision, CultureInfo.InvariantCulture);
        if (oldRevision < revision)
        {
            annotations[ReplicaSetView.RevisionAnnotation] = newRevision;
            changed = true;
            if (oldRevisionText is not null)
            {
                var history = (string?)annotations["deployment.kubernetes.io/revision-history"];
                annotations["deployment.kubernetes.io/revision-history"] = string.IsNullOrEmpty(history) ? oldRevisionText : history + "," + oldRevisionText;
            }
        }

        if (!exists && SetReplicasAnnotations(rs, d.Replicas, d.Replicas + Fenceposts.MaxSurge(d)))
        {
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// Whether <see cref="SetNewReplicaSetAnnotations"/> with <c>exists: true</c> would report a change of the existing
    /// ReplicaSet's <paramref name="annotations"/>, read in place: a revision annotation that is not a number stops it
    /// (no change), else a copied annotation of the Deployment that differs, or a higher revision.
    /// </summary>
    internal static bool NewReplicaSetAnnotationsChange(DeploymentView d, JsonObject? annotations, string newRevision)
    {
        var oldRevisionText = (string?)annotations?[ReplicaSetView.RevisionAnnotation];
        long oldRevision = 0;
        if (oldRevisionText is not null && !long.TryParse(oldRevisionText, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevision))
        {
            return false;
        }

        foreach (var (key, value) in d.Annotations ?? [])
        {
            if (!AnnotationsNotCopied.Contains(key) && (string?)annotations?[key] != (string?)value)
            {
                return true;
            }
        }

        return oldRevision < long.Parse(newRevision, CultureInfo.InvariantCulture);
    }

    /// <summary><c>SetReplicasAnnotations</c>: desired-replicas and max-replicas; true when either changed.</summary>
    private static bool SetReplicasAnnotations(JsonObject rs, int desired, int max)
    {
        var meta = ObjectStore.EnsureObject(rs, "metadata");
        var annotations = meta["annotations"] as JsonObject ?? [];
        meta["annotations"] = annotations;
        var changed = false;
        foreach (var (key, value) in new[] { (ReplicaSetView.DesiredReplicasAnnotation, desired), (ReplicaSetView.MaxReplicasAnnotation, max) })
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if ((string?)annotations[key] != text)
            {
                annotations[key] = text;
                changed = true;
            }
        }

        return changed;
    }
}
