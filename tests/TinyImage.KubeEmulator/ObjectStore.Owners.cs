using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The informer indexes the workload controllers read from: ReplicaSets and Pods by the uid of their controller (or as
/// orphans), kept up to date at every commit, so a sync costs the size of one Deployment's objects, not the store's.
/// </summary>
internal sealed partial class ObjectStore
{
    internal static readonly (string Group, string Plural) ReplicaSetsKeyOf = ("apps", "replicasets");
    internal static readonly (string Group, string Plural) PodsKeyOf = ("", "pods");
    private readonly Dictionary<(string, string), OwnerIndex> _owners = new() { [ReplicaSetsKeyOf] = new(), [PodsKeyOf] = new() };

    /// <summary>
    /// The stored ReplicaSets or Pods (<paramref name="storageKey"/>) whose controller has <paramref name="controllerUid"/>.
    /// Read-only (a cold one is a tree parsed for this call).
    /// </summary>
    public IReadOnlyList<JsonObject> Controlled((string Group, string Plural) storageKey, string controllerUid)
    {
        lock (_gate)
        {
            return _owners[storageKey].ByController.TryGetValue(controllerUid, out var set) ? [.. set.Values.Select(c => c.Object)] : [];
        }
    }

    /// <summary>
    /// The stored ReplicaSets or Pods of a namespace that have no controller (candidates for adoption). Read-only (a cold one
    /// is a tree parsed for this call).
    /// </summary>
    public IReadOnlyList<JsonObject> Orphans((string Group, string Plural) storageKey, string ns)
    {
        lock (_gate)
        {
            return _owners[storageKey].Orphans.TryGetValue(ns, out var set) ? [.. set.Values.Select(c => c.Object)] : [];
        }
    }

    /// <summary>
    /// Writes status and metadata.annotations in one commit, as a controller's <c>UpdateStatus</c> of a Deployment does (the
    /// status strategy keeps spec and labels, so the deployment controller records its revision annotation this way): copies
    /// of <paramref name="status"/> and <paramref name="annotations"/> (null: none) take the places of the stored ones when the
    /// stored object's uid is <paramref name="uid"/>. The next object is the stored one's other fields, copied once (no whole
    /// copy presented to edit first); nothing is copied or written when the two equal the stored ones. As the real
    /// <c>UpdateStatus</c> carries the resourceVersion the controller read, a write whose <paramref name="resourceVersion"/> is not
    /// the stored one's is refused with 409 Conflict (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
    /// <c>Update</c>): annotations computed from an older read never replace a newer write's.
    /// </summary>
    public ApiResult WriteStatusAndAnnotations(ResourceType type, string? ns, string name, string uid, string resourceVersion, JsonNode? status, JsonObject? annotations)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            static bool Same(JsonObject parent, string key, JsonNode? value) =>
                value is null ? !parent.ContainsKey(key) : parent.TryGetPropertyValue(key, out var stored) && JsonNode.DeepEquals(stored, value);

            if ((string?)existing["metadata"]?["uid"] == uid && (string?)existing["metadata"]?["resourceVersion"] != resourceVersion)
            {
                return ApiErrors.Conflict(type, name);
            }

            if ((string?)existing["metadata"]?["uid"] != uid || existing["metadata"] is not JsonObject oldMeta
                || (Same(existing, "status", status) && Same(oldMeta, "annotations", annotations)))
            {
                // Nothing to write (the stored object with this uid is gone, or holds these already).
                return new ApiResult(200, type, existing);
            }

            var next = new JsonObject(existing.Options);
            foreach (var (field, value) in existing)
            {
                if (field == "metadata")
                {
                    var meta = new JsonObject(oldMeta.Options);
                    foreach (var (metaField, metaValue) in oldMeta)
                    {
                        meta[metaField] = metaField == "annotations" ? annotations?.DeepClone() : metaValue?.DeepClone();
                    }

                    if (annotations is null)
                    {
                        meta.Remove("annotations");
                    }
                    else
                    {
                        meta["annotations"] ??= annotations.DeepClone();
                    }

                    next[field] = meta;
                }
                else
                {
                    next[field] = field == "status" ? status?.DeepClone() : value?.DeepClone();
                }
            }

            if (status is null)
            {
                next.Remove("status");
            }
            else
            {
                next["status"] ??= status.DeepClone();
            }

            return Answer(200, type, CommitLocked(type.StorageKey, KeyOf(existing), next, existing, StoredEvent.Modified, take: true));
        }
    }

    /// <summary>
    /// The scheduler's binding (pods/binding): spec.nodeName and the PodScheduled condition in one commit, only while the pod
    /// with <paramref name="uid"/> is unbound. Returns the bound pod (read-only: the committed object when it is served as
    /// stored), or null.
    /// </summary>
    public JsonObject? Bind(ResourceType podType, string ns, string name, string uid, string nodeName, Action<JsonObject> setScheduled)
    {
        lock (_gate)
        {
            var existing = Find(podType, ns, name);
            if (existing is null || (string?)existing["metadata"]?["uid"] != uid || !string.IsNullOrEmpty((string?)existing["spec"]?["nodeName"]))
            {
                return null;
            }

            var next = (JsonObject)existing.DeepClone();
            EnsureObject(next, "spec")["nodeName"] = nodeName;
            setScheduled(EnsureObject(next, "status"));
            // The committed pod itself when it is served as stored (read-only, as the kubelet's view of it is): no copy.
            var committed = CommitLocked(podType.StorageKey, KeyOf(existing), next, existing, StoredEvent.Modified, take: true);
            return PresentsAsStored(podType, committed) ? committed : Present(podType, committed);
        }
    }

    private void IndexLocked((string, string) storageKey, string key, StoredEvent commit, JsonObject committed, bool deleted)
    {
        if (!_owners.TryGetValue(storageKey, out var index))
        {
            return;
        }

        if (index.OwnerOf.Remove(key, out var previous))
        {
            (previous.Uid is null ? index.Orphans.GetValueOrDefault(previous.Namespace) : index.ByController.GetValueOrDefault(previous.Uid))?.Remove(key);
        }

        if (deleted)
        {
            return;
        }

        var ns = (string?)committed["metadata"]?["namespace"] ?? "";
        var uid = (committed["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(o => o["controller"] is JsonValue c && c.TryGetValue<bool>(out var b) && b)?["uid"]?.GetValue<string>();
        var sets = uid is null ? index.Orphans : index.ByController;
        var setKey = uid ?? ns;
        if (!sets.TryGetValue(setKey, out var set))
        {
            set = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
            sets[setKey] = set;
        }

        set[key] = commit;
        index.OwnerOf[key] = (uid, ns);
    }

    private sealed class OwnerIndex
    {
        public Dictionary<string, Dictionary<string, StoredEvent>> ByController { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, StoredEvent>> Orphans { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (string? Uid, string Namespace)> OwnerOf { get; } = new(StringComparer.Ordinal);
    }
}
