using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The owner-reference garbage collector and namespace finalizer, simplified: after each change (and a short
/// delay) it deletes dependents whose owners are all gone, drops dangling owner references, runs the
/// <c>foregroundDeletion</c> and <c>orphan</c> finalizers, and empties terminating namespaces.
/// </summary>
internal sealed class GarbageCollector(ObjectStore store, ResourceRegistry registry)
{
    private static readonly DeleteOptions Background = new("Background");

    /// <summary>How many objects the collector deleted so far.</summary>
    public int Deleted { get; private set; }

    /// <summary>One pass; returns true when it changed anything (the resulting events schedule the next pass).</summary>
    public bool Sweep()
    {
        var changed = false;
        // Each object's metadata alone (all the collector reads): a cold object's is parsed without the rest of it.
        var all = store.AllMetadata();
        var byUid = new Dictionary<string, (ResourceType Type, JsonObject Meta)>();
        foreach (var (key, meta) in all)
        {
            if (registry.FindAnyVersion(key.Group, key.Plural) is { } t && (string?)meta["uid"] is { } uid)
            {
                byUid[uid] = (t, meta);
            }
        }

        foreach (var (uid, (type, meta)) in byUid)
        {
            if (meta["deletionTimestamp"] is null)
            {
                continue;
            }

            var finalizers = (meta["finalizers"] as JsonArray ?? []).Select(f => (string?)f).ToList();
            var dependents = byUid.Values.Where(d => OwnerUids(d.Meta).Contains(uid)).ToList();
            if (type.Group.Length == 0 && type.Plural == "namespaces")
            {
                changed |= FinishNamespace((string)meta["name"]!, byUid.Values);
            }
            else if (finalizers.Contains("foregroundDeletion"))
            {
                foreach (var d in dependents.Where(d => d.Meta["deletionTimestamp"] is null))
                {
                    changed |= DeleteDependentOfDeletingOwner(d, byUid);
                }

                // Only dependents whose reference to this owner blocks owner deletion hold it (blockingDependents).
                if (!dependents.Any(d => BlocksOwner(d.Meta, uid)))
                {
                    changed |= RemoveFinalizer(type, meta, "foregroundDeletion");
                }
            }
            else if (finalizers.Contains("orphan"))
            {
                foreach (var d in dependents)
                {
                    changed |= DropOwnerReferences(d.Type, d.Meta, [uid]);
                }

                changed |= RemoveFinalizer(type, meta, "orphan");
            }
        }

        foreach (var (type, meta) in byUid.Values)
        {
            var owners = OwnerUids(meta);
            if (owners.Count == 0)
            {
                continue;
            }

            var missing = owners.Where(o => !byUid.ContainsKey(o)).ToList();
            if (missing.Count == owners.Count)
            {
                if (meta["deletionTimestamp"] is null)
                {
                    changed |= Delete(type, meta, Background);
                }
            }
            else if (missing.Count > 0)
            {
                changed |= DropOwnerReferences(type, meta, missing);
            }
        }

        return changed;
    }

    private bool FinishNamespace(string ns, IEnumerable<(ResourceType Type, JsonObject Meta)> all)
    {
        var changed = false;
        var content = all.Where(o => o.Type.Namespaced && (string?)o.Meta["namespace"] == ns).ToList();
        foreach (var (type, meta) in content.Where(c => c.Meta["deletionTimestamp"] is null))
        {
            changed |= Delete(type, meta, Background);
        }

        if (content.Count == 0)
        {
            changed |= store.FinalizeNamespace(ns);
        }

        return changed;
    }

    /// <param name="type">The resource.</param>
    /// <param name="meta">The object's metadata.</param>
    /// <param name="options">The deletion's options.</param>
    private bool Delete(ResourceType type, JsonObject meta, DeleteOptions options)
    {
        var r = store.Delete(type, (string?)meta["namespace"], (string)meta["name"]!, options);
        if (r.IsSuccess)
        {
            Deleted++;
        }

        return r.IsSuccess;
    }

    private bool RemoveFinalizer(ResourceType type, JsonObject meta, string finalizer)
    {
        var r = store.Mutate(type, (string?)meta["namespace"], (string)meta["name"]!, o =>
        {
            if (o["metadata"]?["finalizers"] is JsonArray list)
            {
                o["metadata"]!["finalizers"] = new JsonArray([.. list.Where(f => (string?)f != finalizer).Select(f => f?.DeepClone())]);
            }
        }, statusOnly: false);
        return r.IsSuccess;
    }

    private bool DropOwnerReferences(ResourceType type, JsonObject meta, IReadOnlyCollection<string> uids)
    {
        var r = store.Mutate(type, (string?)meta["namespace"], (string)meta["name"]!, o =>
        {
            if (o["metadata"]?["ownerReferences"] is JsonArray refs)
            {
                var kept = refs.Where(x => !uids.Contains((string?)x?["uid"] ?? "")).Select(x => x?.DeepClone()).ToList();
                if (kept.Count == 0)
                {
                    o["metadata"]!.AsObject().Remove("ownerReferences");
                }
                else
                {
                    o["metadata"]!["ownerReferences"] = new JsonArray([.. kept]);
                }
            }
        }, statusOnly: false);
        return r.IsSuccess;
    }

    /// <summary>
    /// attemptToDeleteItem for a dependent of an owner deleted in the foreground: with another owner that is neither gone
    /// nor itself waiting for its dependents, only the references to the gone or waiting owners are dropped; otherwise
    /// it is deleted, in the foreground when it has dependents of its own, else by its own finalizers (orphan,
    /// foregroundDeletion) or in the background.
    /// </summary>
    private bool DeleteDependentOfDeletingOwner((ResourceType Type, JsonObject Meta) d, Dictionary<string, (ResourceType Type, JsonObject Meta)> byUid)
    {
        var owners = OwnerUids(d.Meta);
        var notSolid = owners.Where(o => !byUid.TryGetValue(o, out var owner) || IsDeletingDependents(owner.Meta)).ToList();
        if (notSolid.Count < owners.Count)
        {
            return DropOwnerReferences(d.Type, d.Meta, notSolid);
        }

        var uid = (string?)d.Meta["uid"];
        var hasDependents = uid is not null && byUid.Values.Any(o => OwnerUids(o.Meta).Contains(uid));
        var own = (d.Meta["finalizers"] as JsonArray ?? []).Select(f => (string?)f).ToList();
        var policy = hasDependents || own.Contains("foregroundDeletion") ? "Foreground" : own.Contains("orphan") ? "Orphan" : "Background";
        return Delete(d.Type, d.Meta, new DeleteOptions(policy));
    }

    private static bool IsDeletingDependents(JsonObject meta) =>
        meta["deletionTimestamp"] is not null
        && meta["finalizers"] is JsonArray list && list.Any(f => (string?)f == "foregroundDeletion");

    private static bool BlocksOwner(JsonObject dependentMeta, string ownerUid) =>
        dependentMeta["ownerReferences"] is JsonArray refs
        && refs.Any(r => (string?)r?["uid"] == ownerUid && (bool?)r?["blockOwnerDeletion"] == true);

    private static List<string> OwnerUids(JsonObject meta) =>
        meta["ownerReferences"] is JsonArray refs ? [.. refs.Select(r => (string?)r?["uid"]).OfType<string>()] : [];
}
