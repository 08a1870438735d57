using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// The deployment controller of kube-controller-manager 1.35 (pkg/controller/deployment: deployment_controller.go
/// <c>syncDeployment</c>, sync.go, rolling.go, recreate.go, progress.go, util/deployment_util.go), acting on the store as
/// the real one acts through the API: one ReplicaSet per pod template (<c>&lt;name&gt;-&lt;pod-template-hash&gt;</c>, with the
/// revision, desired-replicas and max-replicas annotations and a controller owner reference), RollingUpdate within
/// maxSurge/maxUnavailable or Recreate, proportional scaling, revision history cleanup, and the status and the Available and
/// Progressing conditions, with the progress deadline measured on the emulator's clock.
/// </summary>
internal sealed partial class DeploymentController(ObjectStore store, ResourceRegistry registry, WorkQueue queue)
{
    private ResourceType Deployments => registry.Find("apps", "v1", "deployments")!;

    private ResourceType ReplicaSets => registry.Find("apps", "v1", "replicasets")!;

    public void Sync(string ns, string name)
    {
        if (store.Peek(Deployments, ns, name) is not { } found)
        {
            return;
        }

        var d = new DeploymentView(found);
        if (Selectors.SelectsAll(d.Spec?["selector"] as JsonObject))
        {
            if (JsonNumbers.Long(d.Status["observedGeneration"]) < d.Generation || d.Status["observedGeneration"] is null)
            {
                d.WritableStatus()["observedGeneration"] = d.Generation;
                Commit(d);
            }

            return;
        }

        var rsList = ClaimReplicaSets(d);
        if (d.Deleting)
        {
            var (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, rsList, create: false);
            SyncDeploymentStatus(d, [.. oldRss, .. Nullable(newRs)], newRs);
            return;
        }

        CheckPausedConditions(d);
        if (d.Paused || IsScalingEvent(d, rsList))
        {
            SyncScale(d, rsList);
            return;
        }

        if (d.IsRollingUpdate)
        {
            RolloutRolling(d, rsList);
        }
        else
        {
            RolloutRecreate(d, rsList);
        }
    }

    // ------------------------------------------------------------------ rolling.go

    private void RolloutRolling(DeploymentView d, List<ReplicaSetView> rsList)
    {
        var (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, rsList, create: true);
        if (newRs is null)
        {
            return;
        }

        var all = oldRss.Append(newRs).ToList();
        // As upstream, the status below is computed from the ReplicaSets as they were before this sync scaled them.
        if (ReconcileNewReplicaSet(d, all, newRs))
        {
            SyncRolloutStatus(d, [.. oldRss, newRs], newRs);
            return;
        }

        if (ReconcileOldReplicaSets(d, oldRss, newRs))
        {
            SyncRolloutStatus(d, [.. oldRss, newRs], newRs);
            return;
        }

        if (DeploymentComplete(d, d.Status))
        {
            Cleanup(d, oldRss);
        }

        SyncRolloutStatus(d, [.. oldRss, newRs], newRs);
    }

    private bool ReconcileNewReplicaSet(DeploymentView d, List<ReplicaSetView> all, ReplicaSetView newRs)
    {
        if (newRs.SpecReplicas == d.Replicas)
        {
            return false;
        }

        var target = newRs.SpecReplicas > d.Replicas
            ? d.Replicas
            : Fenceposts.NewReplicaSetReplicas(d, all.Sum(r => r.SpecReplicas), newRs.SpecReplicas);
        return ScaleReplicaSet(newRs, target, d).Scaled;
    }

    private bool ReconcileOldReplicaSets(DeploymentView d, List<ReplicaSetView> oldRss, ReplicaSetView newRs)
    {
        var active = oldRss.Where(r => r.SpecReplicas > 0).ToList();
        if (active.Sum(r => r.SpecReplicas) == 0)
        {
            return false;
        }

        var allPods = active.Sum(r => r.SpecReplicas) + newRs.SpecReplicas;
        var minAvailable = d.Replicas - Fenceposts.MaxUnavailable(d);
        var newUnavailable = newRs.SpecReplicas - newRs.AvailableReplicas;
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return false;
        }

        // Unhealthy old replicas first, oldest ReplicaSet first: removing them cannot lower availability.
        active.Sort(ReplicaSetView.ByCreation);
        var cleaned = 0;
        for (var i = 0; i < active.Count && cleaned < maxScaledDown; i++)
        {
            var rs = active[i];
            if (rs.SpecReplicas == 0 || rs.SpecReplicas == rs.AvailableReplicas)
            {
                continue;
            }

            var count = Math.Min(maxScaledDown - cleaned, rs.SpecReplicas - rs.AvailableReplicas);
            (_, active[i]) = ScaleReplicaSet(rs, rs.SpecReplicas - count, d);
            cleaned += count;
        }

        // Then available old replicas, as far as maxUnavailable allows.
        var available = active.Sum(r => r.AvailableReplicas) + newRs.AvailableReplicas;
        var scaledDown = 0;
        if (available > minAvailable)
        {
            var toScaleDown = available - minAvailable;
            foreach (var rs in active)
            {
                if (scaledDown >= toScaleDown)
                {
                    break;
                }

                if (rs.SpecReplicas == 0)
                {
                    continue;
                }

                var count = Math.Min(rs.SpecReplicas, toScaleDown - scaledDown);
                ScaleReplicaSet(rs, rs.SpecReplicas - count, d);
                scaledDown += count;
            }
        }

        return cleaned + scaledDown > 0;
    }

    // ------------------------------------------------------------------ recreate.go

    private void RolloutRecreate(DeploymentView d, List<ReplicaSetView> rsList)
    {
        var (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, rsList, create: false);
        var scaledDown = false;
        for (var i = 0; i < oldRss.Count; i++)
        {
            if (oldRss[i].SpecReplicas != 0)
            {
                (var scaled, oldRss[i]) = ScaleReplicaSet(oldRss[i], 0, d);
                scaledDown |= scaled;
            }
        }

        if (scaledDown || OldPodsRunning(newRs, oldRss))
        {
            SyncRolloutStatus(d, [.. oldRss, .. Nullable(newRs)], newRs);
            return;
        }

        if (newRs is null)
        {
            (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, ClaimReplicaSets(d), create: true);
            if (newRs is null)
            {
                return;
            }
        }

        (_, newRs) = ScaleReplicaSet(newRs, d.Replicas, d);
        if (DeploymentComplete(d, d.Status))
        {
            Cleanup(d, oldRss);
        }

        SyncRolloutStatus(d, [.. oldRss, newRs], newRs);
    }

    /// <summary><c>oldPodsRunning</c>: an old ReplicaSet reports pods, or an old ReplicaSet's pod is not Succeeded or Failed.</summary>
    private bool OldPodsRunning(ReplicaSetView? newRs, List<ReplicaSetView> oldRss) =>
        oldRss.Sum(r => r.StatusReplicas) > 0
        || oldRss.Where(r => r.Uid != newRs?.Uid).Any(r => store.Controlled(ObjectStore.PodsKeyOf, r.Uid).Any(p => PodReadiness.Phase(p) is not ("Succeeded" or "Failed")));

    // ------------------------------------------------------------------ sync.go

    private List<ReplicaSetView> ClaimReplicaSets(DeploymentView d)
    {
        var selector = Selectors.FromLabelSelector(d.Spec?["selector"] as JsonObject);
        // The committed ReplicaSets themselves: views only read them (every change goes through the store).
        var owned = store.Controlled(ObjectStore.ReplicaSetsKeyOf, d.Uid).Select(o => new ReplicaSetView(o)).ToList();
        if (d.Deleting)
        {
            return owned;
        }

        foreach (var orphan in store.Orphans(ObjectStore.ReplicaSetsKeyOf, d.Namespace).Where(selector))
        {
            var adopted = store.Mutate(ReplicaSets, d.Namespace, (string)orphan["metadata"]!["name"]!, r =>
            {
                if ((r["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(o => (bool?)o["controller"] == true))
                {
                    return;
                }

                var refs = r["metadata"]!["ownerReferences"] as JsonArray ?? [];
                refs.Add((JsonNode)ReplicaSetController.ControllerRef("apps/v1", "Deployment", d.Name, d.Uid));
                r["metadata"]!["ownerReferences"] = refs;
            }, statusOnly: false);
            if (adopted.IsSuccess)
            {
                owned.Add(new ReplicaSetView(adopted.ReadOnlyBody));
            }
        }

        foreach (var stray in owned.Where(r => !selector(r.Object)).ToList())
        {
            store.Mutate(ReplicaSets, d.Namespace, stray.Name, r =>
            {
                if (r["metadata"]?["ownerReferences"] is JsonArray refs)
                {
                    foreach (var o in refs.OfType<JsonObject>().Where(o => (string?)o["uid"] == d.Uid).ToList())
                    {
                        refs.Remove(o);
                    }
                }
            }, statusOnly: false);
            owned.Remove(stray);
        }

        return owned;
    }

    private (ReplicaSetView? New, List<ReplicaSetView> Old) AllReplicaSetsAndSyncRevision(DeploymentView d, List<ReplicaSetView> rsList, bool create)
    {
        var existingNew = rsList.Order(Comparer<ReplicaSetView>.Create(ReplicaSetView.ByCreation))
            .FirstOrDefault(r => PodTemplateHash.EqualIgnoreHash(r.Template, d.Template));
        var old = rsList.Where(r => r != existingNew).ToList();
        return (NewReplicaSet(d, existingNew, old, create), old);
    }

    private ReplicaSetView? NewReplicaSet(DeploymentView d, ReplicaSetView? existing, List<ReplicaSetView> oldRss, bool create)
    {
        var newRevision = (oldRss.Select(r => r.Revision ?? 0).DefaultIfEmpty(0).Max() + 1).ToString(CultureInfo.InvariantCulture);
        if (existing is not null)
        {
            // Only metadata.annotations is touched (exists: true): copy just those, and only when they will be written.
            var minReadyChanged = existing.MinReadySeconds != d.MinReadySeconds;
            var copy = minReadyChanged || NewReplicaSetAnnotationsChange(d, existing.Object["metadata"]?["annotations"] as JsonObject, newRevision)
                ? new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = existing.Object["metadata"]?["annotations"]?.DeepClone() } }
                : existing.Object; // unchanged: read in place
            var annotationsUpdated = copy != existing.Object && SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true);
            if (annotationsUpdated || minReadyChanged)
            {
                var updated = store.Mutate(ReplicaSets, d.Namespace, existing.Name, r =>
                {
                    r["metadata"]!["annotations"] = copy["metadata"]?["annotations"]?.DeepClone();
                    SetOrRemove(ObjectStore.EnsureObject(r, "spec"), "minReadySeconds", d.MinReadySeconds);
                }, statusOnly: false);
                return updated.IsSuccess ? new ReplicaSetView(updated.ReadOnlyBody) : existing;
            }

            var needsUpdate = SetDeploymentRevision(d, (string?)copy["metadata"]?["annotations"]?[ReplicaSetView.RevisionAnnotation] ?? "");
            if (d.ProgressDeadlineSeconds is not null && Condition(d.Status, "Progressing") is null)
            {
                SetCondition(d.WritableStatus(), NewCondition("Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{existing.Name}\""));
                needsUpdate = true;
            }

            if (needsUpdate)
            {
                Commit(d);
            }

            return existing;
        }

        if (!create)
        {
            return null;
        }

        var hash = PodTemplateHash.Compute(d.Template, d.CollisionCount);
        var template = (JsonObject)d.Template.DeepClone();
        var templateMeta = ObjectStore.EnsureObject(template, "metadata");
        var labels = templateMeta["labels"] as JsonObject ?? [];
        labels[ReplicaSetView.PodTemplateHashLabel] = hash;
        templateMeta["labels"] = labels;
        var selector = (JsonObject)d.Selector.DeepClone();
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        matchLabels[ReplicaSetView.PodTemplateHashLabel] = hash;
        selector["matchLabels"] = matchLabels;
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = d.Name + "-" + hash,
                ["namespace"] = d.Namespace,
                ["labels"] = labels.DeepClone(),
                ["ownerReferences"] = new JsonArray(ReplicaSetController.ControllerRef("apps/v1", "Deployment", d.Name, d.Uid)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 0,
                ["selector"] = selector,
                ["template"] = template,
            },
        };
        SetOrRemove(rs["spec"]!.AsObject(), "minReadySeconds", d.MinReadySeconds);
        var newReplicas = Fenceposts.NewReplicaSetReplicas(d, oldRss.Sum(r => r.SpecReplicas), 0);
        rs["spec"]!["replicas"] = newReplicas;
        SetNewReplicaSetAnnotations(d, rs, newRevision, exists: false);
        var created = store.Create(ReplicaSets, d.Namespace, rs, owned: true); // built here and not touched again: stored without a copy
        var alreadyExists = false;
        if (created.Code == 409)
        {
            alreadyExists = true;
            var current = store.Get(ReplicaSets, d.Namespace, d.Name + "-" + hash);
            if (current.IsSuccess && ControllerUid(current.ReadOnlyBody) == d.Uid && PodTemplateHash.EqualIgnoreHash(d.Template, new ReplicaSetView(current.ReadOnlyBody).Template))
            {
                created = current;
            }
            else
            {
                // A hash collision: count it and try again with the next hash on the next sync.
                d.WritableStatus()["collisionCount"] = (d.CollisionCount ?? 0) + 1;
                Commit(d);
                queue.Add(WorkloadKeys.Deployment(d.Namespace, d.Name));
                return null;
            }
        }
        else if (!created.IsSuccess)
        {
            if (d.ProgressDeadlineSeconds is not null)
            {
                SetCondition(d.WritableStatus(),
                    NewCondition("Progressing", "False", "ReplicaSetCreateError", $"Failed to create new replica set \"{d.Name}-{hash}\": {(string?)created.Body["message"]}"));
                Commit(d);
            }

            return null;
        }

        var createdRs = new ReplicaSetView(created.ReadOnlyBody);
        SetDeploymentRevision(d, newRevision);
        if (!alreadyExists && d.ProgressDeadlineSeconds is not null)
        {
            SetCondition(d.WritableStatus(), NewCondition("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{createdRs.Name}\""));
        }

        Commit(d);
        return createdRs;
    }

    private void SyncScale(DeploymentView d, List<ReplicaSetView> rsList)
    {
        var (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, rsList, create: false);
        Scale(d, newRs, oldRss);
        Cleanup(d, oldRss);
        SyncDeploymentStatus(d, [.. oldRss, .. Nullable(newRs)], newRs);
    }

    private bool IsScalingEvent(DeploymentView d, List<ReplicaSetView> rsList)
    {
        var (newRs, oldRss) = AllReplicaSetsAndSyncRevision(d, rsList, create: false);
        return oldRss.Concat(Nullable(newRs)).Where(r => r.SpecReplicas > 0)
            .Any(r => r.Annotation(ReplicaSetView.DesiredReplicasAnnotation) is { } desired && desired != d.Replicas);
    }

    private void Scale(DeploymentView d, ReplicaSetView? newRs, List<ReplicaSetView> oldRss)
    {
        var active = oldRss.Concat(Nullable(newRs)).Where(r => r.SpecReplicas > 0).ToList();
        ReplicaSetView? activeOrLatest = active.Count switch
        {
            0 => newRs ?? oldRss.OrderByDescending(r => r, Comparer<ReplicaSetView>.Create(ReplicaSetView.ByCreation)).FirstOrDefault(),
            1 => active[0],
            _ => null,
        };
        if (activeOrLatest is not null)
        {
            if (activeOrLatest.SpecReplicas != d.Replicas)
            {
                ScaleReplicaSet(activeOrLatest, d.Replicas, d);
            }

            return;
        }

        if (IsSaturated(d, newRs))
        {
            foreach (var old in oldRss.Where(r => r.SpecReplicas > 0))
            {
                ScaleReplicaSet(old, 0, d);
            }

            return;
        }

        if (!d.IsRollingUpdate)
        {
            return;
        }

        // Proportional scaling: the replicas to add (or remove) are shared by size among the active ReplicaSets.
        var allowed = d.Replicas > 0 ? d.Replicas + Fenceposts.MaxSurge(d) : 0;
        var toAdd = allowed - active.Sum(r => r.SpecReplicas);
        if (toAdd > 0)
        {
            active.Sort((a, b) => a.SpecReplicas != b.SpecReplicas ? b.SpecReplicas.CompareTo(a.SpecReplicas) : ReplicaSetView.ByCreation(b, a));
        }
        else if (toAdd < 0)
        {
            active.Sort((a, b) => a.SpecReplicas != b.SpecReplicas ? b.SpecReplicas.CompareTo(a.SpecReplicas) : ReplicaSetView.ByCreation(a, b));
        }

        var added = 0;
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in active)
        {
            if (toAdd != 0)
            {
                var proportion = Proportion(rs, d, toAdd, added);
                sizes[rs.Name] = rs.SpecReplicas + proportion;
                added += proportion;
            }
            else
            {
                sizes[rs.Name] = rs.SpecReplicas;
            }
        }

        for (var i = 0; i < active.Count; i++)
        {
            var rs = active[i];
            if (i == 0 && toAdd != 0)
            {
                sizes[rs.Name] = Math.Max(0, sizes[rs.Name] + toAdd - added);
            }

            ScaleReplicaSet(rs, sizes[rs.Name], d);
        }
    }

    /// <summary><c>GetReplicaSetProportion</c> and <c>getReplicaSetFraction</c>.</summary>
    private static int Proportion(ReplicaSetView rs, DeploymentView d, int toAdd, int added)
    {
        if (rs.SpecReplicas == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        int fraction;
        if (d.Replicas == 0)
        {
            fraction = -rs.SpecReplicas;
        }
        else
        {
            var max = d.Replicas + Fenceposts.MaxSurge(d);
            var annotated = rs.Annotation(ReplicaSetView.MaxReplicasAnnotation) is { } a && a != 0
                ? a
                : (int)(JsonNumbers.Long(d.Status["replicas"]) ?? 0);
            fraction = annotated == 0 ? 0 : (int)Math.Round((double)rs.SpecReplicas * max / annotated, MidpointRounding.AwayFromZero) - rs.SpecReplicas;
        }

        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static bool IsSaturated(DeploymentView d, ReplicaSetView? rs) =>
        rs is not null
        && rs.Annotation(ReplicaSetView.DesiredReplicasAnnotation) is { } desired
        && rs.SpecReplicas == d.Replicas && desired == d.Replicas && rs.AvailableReplicas == d.Replicas;

    private void CheckPausedConditions(DeploymentView d)
    {
        if (d.ProgressDeadlineSeconds is null)
        {
            return;
        }

        var cond = Condition(d.Status, "Progressing");
        if ((string?)cond?["reason"] == "ProgressDeadlineExceeded")
        {
            return;
        }

        var pausedExists = (string?)cond?["reason"] == "DeploymentPaused";
        if (d.Paused && !pausedExists)
        {
            SetCondition(d.WritableStatus(), NewCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
            Commit(d);
        }
        else if (!d.Paused && pausedExists)
        {
            SetCondition(d.WritableStatus(), NewCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
            Commit(d);
        }
    }

    /// <summary><c>cleanupDeployment</c>: old ReplicaSets beyond revisionHistoryLimit, oldest revision first, once they are empty.</summary>
    private void Cleanup(DeploymentView d, List<ReplicaSetView> oldRss)
    {
        if (d.RevisionHistoryLimit == int.MaxValue)
        {
            return;
        }

        var cleanable = oldRss.Where(r => !r.Deleting).ToList();
        var diff = cleanable.Count - d.RevisionHistoryLimit;
        if (diff <= 0)
        {
            return;
        }

        cleanable.Sort((a, b) =>
        {
            var c = (a.Revision ?? 0).CompareTo(b.Revision ?? 0);
            return c != 0 ? c : ReplicaSetView.ByCreation(a, b);
        });
        foreach (var rs in cleanable.Take(diff))
        {
            if (rs.StatusReplicas != 0 || rs.SpecReplicas != 0 || rs.Generation > rs.ObservedGeneration || rs.Deleting)
            {
                continue;
            }

            store.Delete(ReplicaSets, rs.Namespace, rs.Name, new DeleteOptions());
        }
    }

    /// <summary><c>scaleReplicaSet</c>: spec.replicas and the desired/max-replicas annotations in one update.</summary>
    private (bool Scaled, ReplicaSetView Rs) ScaleReplicaSet(ReplicaSetView rs, int newScale, DeploymentView d)
    {
        var sizeChanges = rs.SpecReplicas != newScale;
        var max = d.Replicas + Fenceposts.MaxSurge(d);
        var annotationsChange = rs.Annotation(ReplicaSetView.DesiredReplicasAnnotation) != d.Replicas || rs.Annotation(ReplicaSetView.MaxReplicasAnnotation) != max;
        if (!sizeChanges && !annotationsChange)
        {
            return (false, rs);
        }

        var updated = store.Mutate(ReplicaSets, rs.Namespace, rs.Name, r =>
        {
            ObjectStore.EnsureObject(r, "spec")["replicas"] = newScale;
            SetReplicasAnnotations(r, d.Replicas, max);
        }, statusOnly: false);
        return updated.IsSuccess ? (sizeChanges, new ReplicaSetView(updated.ReadOnlyBody)) : (false, rs);
    }

    private static IEnumerable<ReplicaSetView> Nullable(ReplicaSetView? rs) => rs is null ? [] : [rs];

    private static string? ControllerUid(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(o => (bool?)o["controller"] == true)?["uid"]?.GetValue<string>();

    /// <summary>
    /// Writes the working copy's status and annotations (the real controller's <c>UpdateStatus</c>), conditioned on the
    /// resourceVersion read. A conflict drops the write: the change that caused it has queued the Deployment again.
    /// </summary>
    private void Commit(DeploymentView d)
    {
        var written = store.WriteStatusAndAnnotations(Deployments, d.Namespace, d.Name, d.Uid, d.ResourceVersion, d.StatusNode, d.Annotations);
        if (written.IsSuccess)
        {
            d.ResourceVersion = (string?)written.ReadOnlyBody["metadata"]?["resourceVersion"] ?? d.ResourceVersion;
        }
    }

    private static void SetOrRemove(JsonObject obj, string field, int value)
    {
        if (value == 0)
        {
            obj.Remove(field);
        }
        else
        {
            obj[field] = value;
        }
    }
}
