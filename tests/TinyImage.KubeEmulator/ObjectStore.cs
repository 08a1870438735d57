using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The emulator's etcd and registry logic in one place: objects per group/resource keyed by namespace/name,
/// one global resourceVersion counter, a bounded event history for watch resumption, and the write
/// semantics of the real API server (generation, status subresource, finalizers, conflicts).
/// Stored objects are never mutated after commit; everything handed out is a copy. Each stored object is held as its
/// commit (<see cref="StoredEvent"/>): a live tree while it is new, its JSON once it is cold (<see cref="StoredEvent.Compact"/>).
/// </summary>
internal sealed partial class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), SortedDictionary<string, StoredEvent>> _data = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly Channel<StoredEvent> _changes = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Random _names;
    private long _rv;
    private StoredEvent? _lastCommitted;
    private readonly HashSet<string> _uids = new(StringComparer.Ordinal);
    private long _compactedRv;
    private int _historyCapacity;

    private static readonly (string, string) NamespacesKey = ("", "namespaces");

    // The tree parsed of each cold namespace, by storage key, with the commit it was parsed from (FindNamespace).
    private readonly Dictionary<string, (StoredEvent Commit, JsonObject Tree)> _namespaceTrees = new(StringComparer.Ordinal);

    // The oldest history event not yet compacted, and the newest resourceVersion compacted (StoredEvent.Compact).
    private LinkedListNode<StoredEvent>? _compactCursor;
    private long _compactedThroughRv;

    /// <param name="registry">The served resources.</param>
    /// <param name="time">The emulator's clock.</param>
    /// <param name="historyCapacity">How many events the watch history keeps.</param>
    /// <param name="randomSeed">Seeds the generated-name suffixes (generateName, controllers' pods), so a seed repeats a run's names.</param>
    public ObjectStore(ResourceRegistry registry, TimeProvider time, int historyCapacity, int randomSeed)
    {
        _registry = registry;
        _time = time;
        _names = new Random(randomSeed);
        _historyCapacity = Math.Max(0, historyCapacity);
    }

    /// <summary>Every committed change, in order, for the background controllers (GC, Job runner, ...).</summary>
    public ChannelReader<StoredEvent> Changes => _changes.Reader;

    public bool RequireNamespaces { get; init; } = true;

    /// <summary>
    /// How many newer events an event of the watch history waits before the versions it holds (the stored one too, when it
    /// was not replaced since) are kept as JSON only (<see cref="StoredEvent.Compact"/>): long enough for the watches and
    /// controllers to have read it as a tree, and for the writes that follow a commit closely (a controller's status after
    /// its create) to find a tree. 512 measured best at 1,000 TinyImages (BENCHMARKS.md, the eleventh round: emustore):
    /// shorter ones parse the objects still being written, longer ones keep more trees for the collector to mark.
    /// </summary>
    internal int HistoryCompactionLag { get; set; } = 512;

    /// <summary>A stand-in for an admission plugin the emulator does not carry (see <see cref="ApiServerEmulator.RefusePodCreates"/>).</summary>
    internal Func<JsonObject, string?>? PodAdmissionStandIn { get; set; }

    public ResourceRegistry Registry => _registry;

    public long CurrentResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _rv;
            }
        }
    }

    // ---------------------------------------------------------------- reads

    public ApiResult Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return FindCommit(type, ns, name) is { } commit ? new ApiResult(200, type, commit) : ApiErrors.NotFound(type, name);
        }
    }

    /// <summary>
    /// The stored object for a controller that only reads it: the committed object itself when it is served as stored
    /// (read-only: committed objects are never mutated; a cold one is a tree parsed for this read), else a presented copy;
    /// null when there is none.
    /// </summary>
    internal JsonObject? Peek(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Find(type, ns, name) is { } obj ? (PresentsAsStored(type, obj) ? obj : Present(type, obj)) : null;
        }
    }

    public ApiResult List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, int? limit, string? continueToken)
    {
        lock (_gate)
        {
            var startAfter = continueToken is null ? null : DecodeContinue(continueToken);
            if (continueToken is not null && startAfter is null)
            {
                return ApiErrors.BadRequest("continue key is not valid: illegal base64 data");
            }

            var commits = new List<StoredEvent>();
            var read = new List<JsonObject?>();
            string? next = null;
            var remaining = 0;
            var selects = !labels.MatchesEverything || !fields.MatchesEverything;
            foreach (var (key, commit) in Candidates(type, labels))
            {
                if (startAfter is not null && string.CompareOrdinal(key, startAfter) <= 0)
                {
                    continue;
                }

                // The object is read (parsed, when it is cold) only for a selector to test.
                var obj = selects && (ns is null || InNamespace(key, ns)) ? commit.Object : null;
                if ((ns is not null && !InNamespace(key, ns)) || (obj is not null && (!labels.Matches(obj) || !fields.Matches(obj))))
                {
                    continue;
                }

                if (limit is > 0 && commits.Count >= limit)
                {
                    remaining++;
                    continue;
                }

                commits.Add(commit);
                read.Add(obj);
                next = key;
            }

            var meta = new JsonObject { ["resourceVersion"] = Rv(_rv) };
            if (remaining > 0 && next is not null)
            {
                meta["continue"] = EncodeContinue(next);
                meta["remainingItemCount"] = remaining;
            }

            // The committed objects themselves (never mutated): presented copies are made only for a caller that reads the
            // body; the HTTP answer writes each item as stored when that is what the API serves.
            return new ApiResult(
                200,
                () => new JsonObject
                {
                    ["kind"] = type.ListKind,
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = meta.DeepClone(),
                    ["items"] = new JsonArray([.. commits.Select((c, i) => (JsonNode)Present(type, read[i] ?? c.Object))]),
                },
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("kind", type.ListKind);
                    writer.WriteString("apiVersion", type.ApiVersion);
                    writer.WritePropertyName("metadata");
                    meta.WriteTo(writer);
                    writer.WriteStartArray("items");
                    for (var i = 0; i < commits.Count; i++)
                    {
                        // Each item's JSON is its commit's, serialized once for every read and watch of it (from the tree the
                        // selector read, when it parsed a cold one).
                        writer.WriteRawValue(commits[i].PresentedJson(type, read[i]), skipInputValidation: true);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                });
        }
    }

    /// <summary>A snapshot of every stored object of a group/resource (any version), for background controllers.</summary>
    public IReadOnlyList<JsonObject> Snapshot(string group, string plural) => Snapshot(group, plural, static _ => true);

    /// <summary>Copies of the objects of one resource that match <paramref name="where"/> (tested before copying, so cheap on large stores).</summary>
    public IReadOnlyList<JsonObject> Snapshot(string group, string plural, Func<JsonObject, bool> where)
    {
        lock (_gate)
        {
            // A cold object's tree is parsed for this call, so it is already a copy of the caller's own.
            return _data.TryGetValue((group, plural), out var bucket)
                ? [.. bucket.Values.Select(c => (Commit: c, Object: c.Object)).Where(o => where(o.Object))
                    .Select(o => ReferenceEquals(o.Object, o.Commit.LiveObject) ? (JsonObject)o.Object.DeepClone() : o.Object)]
                : [];
        }
    }

    /// <summary>
    /// The metadata of every stored object with its storage key, for the garbage collector (which reads nothing else).
    /// Read-only: a hot object's is the committed node itself (never mutated after commit), a cold one's is parsed from its
    /// JSON's metadata member alone; a sweep every few seconds over thousands of objects would otherwise spend most of its
    /// time copying or parsing them whole.
    /// </summary>
    public IReadOnlyList<((string Group, string Plural) Key, JsonObject Metadata)> AllMetadata()
    {
        lock (_gate)
        {
            var all = new List<((string, string), JsonObject)>();
            foreach (var (storageKey, bucket) in _data)
            {
                foreach (var commit in bucket.Values)
                {
                    if (commit.Metadata() is { } meta)
                    {
                        all.Add((storageKey, meta));
                    }
                }
            }

            return all;
        }
    }

    public bool UidExists(string uid)
    {
        lock (_gate)
        {
            return _uids.Contains(uid);
        }
    }

    /// <summary>
    /// Whether every owner <paramref name="obj"/> references is stored now (looked up in the uid index kept at every commit):
    /// when one is missing, the garbage collector has work.
    /// </summary>
    public bool OwnersPresent(JsonObject obj)
    {
        if (obj["metadata"]?["ownerReferences"] is not JsonArray refs)
        {
            return true;
        }

        lock (_gate)
        {
            foreach (var r in refs)
            {
                if ((string?)r?["uid"] is { } uid && !_uids.Contains(uid))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // ---------------------------------------------------------------- writes

    /// <param name="type">The resource.</param>
    /// <param name="ns">The request's namespace.</param>
    /// <param name="body">The object to create.</param>
    /// <param name="dryRun">Answer without storing.</param>
    /// <param name="owned">The body is the caller's to give away (a request's parsed body): used without copying it first.</param>
    public ApiResult Create(ResourceType type, string? ns, JsonObject body, bool dryRun = false, bool owned = false)
    {
        lock (_gate)
        {
            return CreateLocked(type, ns, body, dryRun, owned);
        }
    }

    /// <param name="type">The resource.</param>
    /// <param name="ns">The request's namespace.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="body">The object the write asks for.</param>
    /// <param name="statusOnly">A write of the status subresource.</param>
    /// <param name="dryRun">Answer without storing.</param>
    /// <param name="owned">The body is the caller's to give away (a request's parsed body): used without copying it first.</param>
    public ApiResult Update(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly, bool dryRun = false, bool owned = false)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            if (CheckIdentity(type, ns, name, body) is { } bad)
            {
                return bad;
            }

            var bodyRv = (string?)body["metadata"]?["resourceVersion"];
            if (string.IsNullOrEmpty(bodyRv))
            {
                if (type.IsCustomResource)
                {
                    return ApiErrors.Invalid(type, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
                }
            }
            else if (bodyRv != (string?)existing["metadata"]!["resourceVersion"])
            {
                return ApiErrors.Conflict(type, name);
            }

            var bodyUid = (string?)body["metadata"]?["uid"];
            if (!string.IsNullOrEmpty(bodyUid) && bodyUid != (string?)existing["metadata"]!["uid"])
            {
                return ApiErrors.ConflictPrecondition(type, name, $"Precondition failed: UID in precondition: {bodyUid}, UID in object meta: {(string?)existing["metadata"]!["uid"]}");
            }

            return UpdateLocked(type, existing, body, statusOnly, dryRun, owned);
        }
    }

    public ApiResult Patch(ResourceType type, string? ns, string name, PatchKind kind, JsonNode patch, bool statusOnly, string? fieldManager, bool dryRun = false)
    {
        lock (_gate)
        {
            if (kind == PatchKind.Apply && string.IsNullOrEmpty(fieldManager))
            {
                return ApiErrors.Status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            }

            var existing = Find(type, ns, name);
            if (existing is null)
            {
                if (kind != PatchKind.Apply || statusOnly)
                {
                    return ApiErrors.NotFound(type, name);
                }

                if (patch is not JsonObject applied)
                {
                    return ApiErrors.BadRequest("apply patch must be an object");
                }

                var created = (JsonObject)applied.DeepClone();
                var meta = EnsureObject(created, "metadata");
                meta["name"] ??= name;
                if (CheckIdentity(type, ns, name, created) is { } badCreate)
                {
                    return badCreate;
                }

                return CreateLocked(type, ns, created, dryRun, owned: true);
            }

            var current = Present(type, existing);
            JsonNode? result;
            switch (kind)
            {
                case PatchKind.Merge:
                    result = Patching.MergePatch(current, patch);
                    break;
                case PatchKind.StrategicMerge:
                case PatchKind.Apply:
                    result = Patching.StrategicMergePatch(current, patch);
                    break;
                default:
                    if (patch is not JsonArray ops)
                    {
                        return ApiErrors.BadRequest("json patch must be an array of operations");
                    }

                    result = Patching.JsonPatch(current, ops, out var error);
                    if (result is null)
                    {
                        return ApiErrors.Status(422, "Invalid", error ?? "json patch failed");
                    }

                    break;
            }

            if (result is not JsonObject patched)
            {
                return ApiErrors.BadRequest("the patch did not produce an object");
            }

            if (CheckIdentity(type, ns, name, patched) is { } bad)
            {
                return bad;
            }

            var patchedRv = (string?)patched["metadata"]?["resourceVersion"];
            if (!string.IsNullOrEmpty(patchedRv) && patchedRv != (string?)existing["metadata"]!["resourceVersion"])
            {
                return ApiErrors.Conflict(type, name);
            }

            return UpdateLocked(type, existing, patched, statusOnly, dryRun, owned: true);
        }
    }

    public ApiResult Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            return DeleteLocked(type, existing, options);
        }
    }

    public ApiResult DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, DeleteOptions options)
    {
        lock (_gate)
        {
            var items = new JsonArray();
            var targets = Bucket(type).Values
                .Where(c => ns is null || c.Namespace == ns)
                .Select(c => c.Object)
                .Where(o => labels.Matches(o) && fields.Matches(o))
                .ToList();
            foreach (var obj in targets)
            {
                var r = DeleteLocked(type, obj, options);
                if (r.IsSuccess && r.Body["kind"]?.GetValue<string>() != "Status")
                {
                    items.Add((JsonNode)r.Body);
                }
            }

            return new ApiResult(200, new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_rv) },
                ["items"] = items,
            });
        }
    }

    /// <summary>
    /// Writes an object's status as a controller inside the emulator would (kubelet, job controller, ...):
    /// <paramref name="mutate"/> edits a copy; nothing is written when it changes nothing.
    /// </summary>
    public ApiResult Mutate(ResourceType type, string? ns, string name, Action<JsonObject> mutate, bool statusOnly)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            var copy = Present(type, existing);
            mutate(copy);
            return UpdateLocked(type, existing, copy, statusOnly, dryRun: false, owned: true);
        }
    }

    /// <summary>
    /// Writes a status a controller inside the emulator computed whole (the ReplicaSet controller's): as <see cref="Mutate"/>
    /// with a mutation that sets it, but without presenting a copy to edit: nothing is copied when the write changes nothing,
    /// which for a kind stored as written (<see cref="Builtins.BuiltinRules.StoresAsWritten"/>) is when the status equals the
    /// stored one, and otherwise the stored object's other fields are copied once.
    /// </summary>
    public ApiResult WriteStatus(ResourceType type, string? ns, string name, JsonObject status)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            if (Builtins.BuiltinRules.StoresAsWritten(type) && !EventConversion.IsEventsV1(type) && JsonNode.DeepEquals(existing["status"], status))
            {
                return new ApiResult(200, type, existing);
            }

            // A status write takes everything but the status from the stored object whatever the candidate holds there, so
            // the candidate is the status alone: no whole copy presented first (the stored fields are copied once, below).
            return UpdateLocked(type, existing, new JsonObject { ["status"] = status }, statusOnly: true, dryRun: false, owned: true);
        }
    }

    /// <summary>Removes every object of a group/resource (a CRD went away), announcing each as DELETED.</summary>
    public void DropAll(string group, string plural)
    {
        lock (_gate)
        {
            if (!_data.TryGetValue((group, plural), out var bucket))
            {
                return;
            }

            foreach (var (key, commit) in bucket.ToList())
            {
                CommitLocked((group, plural), key, commit.Object, null, StoredEvent.Deleted);
            }

            _data.Remove((group, plural));
        }
    }

    /// <summary>Removes a terminating namespace once nothing is left in it; true when it was removed.</summary>
    public bool FinalizeNamespace(string name)
    {
        lock (_gate)
        {
            var ns = FindNamespace(name);
            if (ns?["metadata"]?["deletionTimestamp"] is null || ns["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
            {
                return false;
            }

            if (_data.Values.Any(b => b.Values.Any(c => c.Namespace == name)))
            {
                return false;
            }

            CommitLocked(("", "namespaces"), Key(null, name), ns, ns, StoredEvent.Deleted);
            return true;
        }
    }

    // ---------------------------------------------------------------- watch

    /// <summary>
    /// Subscribes to changes of one resource (optionally one namespace) from a resourceVersion:
    /// null or "0" first replays the current state as ADDED. Returns an error result when the
    /// resourceVersion is older than the history window (410 Expired) or malformed.
    /// </summary>
    public (WatchSubscription? Subscription, ApiResult? Error) Watch(ResourceType type, string? ns, string? resourceVersion, bool sendInitialEvents)
    {
        lock (_gate)
        {
            var sub = new WatchSubscription(type.StorageKey, ns);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0" || sendInitialEvents)
            {
                foreach (var commit in Bucket(type).Values)
                {
                    if (ns is null || commit.Namespace == ns)
                    {
                        sub.Offer(new StoredEvent(commit.Rv, StoredEvent.Added, commit));
                    }
                }

                if (sendInitialEvents)
                {
                    sub.Offer(new StoredEvent(_rv, type.StorageKey, StoredEvent.InitialEventsEnd, new JsonObject(), null));
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    return (null, ApiErrors.Status(400, "BadRequest", $"invalid resource version \"{resourceVersion}\""));
                }

                if (from < _compactedRv)
                {
                    return (null, ApiErrors.Expired(from, _rv));
                }

                foreach (var e in _history)
                {
                    if (e.Rv > from)
                    {
                        sub.Offer(e);
                    }
                }
            }

            _watchers.Add(sub);
            return (sub, null);
        }
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (_gate)
        {
            _watchers.Remove(sub);
        }
    }

    /// <summary>The resourceVersion a bookmark may carry now, or null while events are still queued for it.</summary>
    public long? BookmarkVersion(WatchSubscription sub)
    {
        lock (_gate)
        {
            return sub.Pending == 0 ? _rv : null;
        }
    }

    public IReadOnlyList<WatchSubscription> Watchers
    {
        get
        {
            lock (_gate)
            {
                return [.. _watchers];
            }
        }
    }

    /// <summary>Keeps only the newest <paramref name="capacity"/> events; older resourceVersions then expire (410).</summary>
    public void SetHistoryCapacity(int capacity)
    {
        lock (_gate)
        {
            _historyCapacity = Math.Max(0, capacity);
            TrimHistoryLocked();
        }
    }

    /// <summary>Forgets the whole event history: any resourceVersion older than the current one expires.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            foreach (var e in _history)
            {
                // Not yet compacted: compacted as it leaves (a stored version it holds would otherwise stay a tree).
                if (e.Rv > _compactedThroughRv)
                {
                    e.Compact();
                }

                e.ForgetOldCommit();
            }

            _compactedThroughRv = Math.Max(_compactedThroughRv, _rv);
            _compactCursor = null;
            _history.Clear();
            _compactedRv = _rv;
        }
    }

    // ---------------------------------------------------------------- internals

    private ApiResult CreateLocked(ResourceType type, string? ns, JsonObject body, bool dryRun, bool owned = false)
    {
        var obj = owned ? body : (JsonObject)body.DeepClone();
        var meta = EnsureObject(obj, "metadata");
        if (type.Namespaced)
        {
            var bodyNs = (string?)meta["namespace"];
            if (!string.IsNullOrEmpty(bodyNs) && ns is not null && bodyNs != ns)
            {
                return ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            ns ??= bodyNs;
            if (string.IsNullOrEmpty(ns))
            {
                return ApiErrors.BadRequest("an empty namespace may not be set during creation");
            }

            meta["namespace"] = ns;
            if (RequireNamespaces)
            {
                var nsObj = FindNamespace(ns);
                if (nsObj is null)
                {
                    return ApiErrors.NamespaceNotFound(ns);
                }

                if (nsObj["metadata"]?["deletionTimestamp"] is not null)
                {
                    return ApiErrors.Forbidden(type, (string?)meta["name"] ?? "", $"unable to create new content in namespace {ns} because it is being terminated");
                }
            }
        }
        else
        {
            meta.Remove("namespace");
        }

        if (CheckKind(type, obj) is { } badKind)
        {
            return badKind;
        }

        var name = (string?)meta["name"];
        if (string.IsNullOrEmpty(name))
        {
            var prefix = (string?)meta["generateName"];
            if (string.IsNullOrEmpty(prefix))
            {
                return ApiErrors.Invalid(type, "", "metadata.name", "Required value: name or generateName is required");
            }

            do
            {
                name = prefix + RandomSuffix();
            }
            while (FindCommit(type, ns, name) is not null);
            meta["name"] = name;
        }

        if (ValidateName(type, name) is { } badName)
        {
            return badName;
        }

        if (type.Group.Length == 0 && type.Plural == "pods" && PodSecurityAdmission.ValidateCreate(type, FindNamespace(ns!), obj) is { } refused)
        {
            return refused;
        }

        if (type.Group.Length == 0 && type.Plural == "pods" && PodAdmissionStandIn?.Invoke(obj) is { } why)
        {
            return ApiErrors.Forbidden(type, name, why);
        }

        if (type.Group.Length == 0 && type.Plural == "namespaces" && PodSecurityAdmission.ValidateNamespace(type, obj, null) is { } badLabels)
        {
            return badLabels;
        }

        if (Auth.RbacValidation.OnCreate(type, obj) is { } badRbac)
        {
            return badRbac;
        }

        if (FindCommit(type, ns, name) is not null)
        {
            return ApiErrors.AlreadyExists(type, name);
        }

        if (CustomResources.CustomResourceAdmission.Admit(type, obj, null, statusOnly: false) is { } crInvalid)
        {
            return crInvalid;
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Timestamp();
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("managedFields");
        meta.Remove("selfLink");
        if (type.HasGeneration)
        {
            meta["generation"] = 1L;
        }
        else
        {
            meta.Remove("generation");
        }

        InitialiseStatus(type, obj);
        if (Builtins.BuiltinRules.Admit(type, ref obj, null, statusOnly: false, ServicesLocked, _clusterIps) is { } invalid)
        {
            return invalid;
        }

        if (EventConversion.IsEventsV1(type))
        {
            // Decoded, defaulted and validated in the request's version, then stored once in core/v1 form.
            obj = EventConversion.ToCore(obj);
        }

        if (dryRun)
        {
            obj["metadata"]!.AsObject().Remove("resourceVersion");
            return new ApiResult(201, Present(type, obj));
        }

        var committed = CommitLocked(type.StorageKey, Key(ns, name), obj, null, StoredEvent.Added, take: true, VerdictOf(type, obj));
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions")
        {
            committed = CrdRegistrar.Established(this, type, committed);
        }

        return Answer(201, type, committed);
    }

    /// <param name="type">The resource.</param>
    /// <param name="existing">The stored object.</param>
    /// <param name="candidate">The object the write asks for.</param>
    /// <param name="statusOnly">A write of the status subresource.</param>
    /// <param name="dryRun">Answer without storing.</param>
    /// <param name="owned">The candidate is the caller's own copy (a patch's result, a controller's mutated copy), used without copying it again.</param>
    private ApiResult UpdateLocked(ResourceType type, JsonObject existing, JsonObject candidate, bool statusOnly, bool dryRun, bool owned = false)
    {
        JsonObject next;
        if (statusOnly)
        {
            // Everything but the status is the stored object's: copied, without copying the stored status it replaces (a
            // placeholder keeps the field's position). A field of the caller's own copy that is the stored one as written (a
            // controller's status write: its copy's spec and metadata, unchanged) is taken over instead of copied again; one
            // only equal to it (a number spelled 1.0 for 1, members in another order) is not: the stored bytes stay.
            next = new JsonObject(existing.Options);
            foreach (var (field, value) in existing)
            {
                if (field == "status")
                {
                    next[field] = null;
                }
                else if (owned && candidate.TryGetPropertyValue(field, out var mine) && mine is not null && JsonSpelling.Same(mine, value))
                {
                    candidate.Remove(field);
                    next[field] = mine;
                }
                else
                {
                    next[field] = value?.DeepClone();
                }
            }

            if (candidate["status"] is { } status)
            {
                if (owned)
                {
                    candidate.Remove("status");
                    next["status"] = status;
                }
                else
                {
                    next["status"] = status.DeepClone();
                }
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = owned ? candidate : (JsonObject)candidate.DeepClone();
            if (CheckKind(type, next) is { } badKind)
            {
                return badKind;
            }

            if (type.HasStatus)
            {
                if (existing["status"] is { } oldStatus)
                {
                    // The main resource keeps the stored status: a caller's own copy that holds it as written (a controller's
                    // mutated copy, a patch's result) keeps its node, else the stored one is copied.
                    if (!owned || !next.TryGetPropertyValue("status", out var written) || !JsonSpelling.Same(written, oldStatus))
                    {
                        next["status"] = oldStatus.DeepClone();
                    }
                }
                else
                {
                    next.Remove("status");
                }
            }

            var meta = EnsureObject(next, "metadata");
            var oldMeta = existing["metadata"]!.AsObject();
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
            {
                if (oldMeta[field] is { } v)
                {
                    meta[field] = v.DeepClone();
                }
                else
                {
                    meta.Remove(field);
                }
            }

            meta.Remove("managedFields");
            meta.Remove("selfLink");
            if (Auth.RbacValidation.OnUpdate(type, existing, next) is { } badRbac)
            {
                return badRbac;
            }
        }

        var eventsView = EventConversion.IsEventsV1(type);
        if (Builtins.BuiltinRules.Admit(type, ref next, eventsView ? EventConversion.ToEventsV1(existing) : existing, statusOnly, ServicesLocked, _clusterIps) is { } invalid)
        {
            return invalid;
        }

        if (eventsView)
        {
            next = EventConversion.ToCore(next);
        }

        if (!statusOnly && type.HasGeneration && (SpecChanged(type, existing, next) || DeploymentAnnotationsChanged(type, existing, next)))
        {
            next["metadata"]!["generation"] = (JsonNumbers.Long(existing["metadata"]!["generation"]) ?? 0) + 1;
        }

        next["apiVersion"] = existing["apiVersion"]?.DeepClone();
        next["kind"] = type.Kind;
        next["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]?.DeepClone();
        if (CustomResources.CustomResourceAdmission.Admit(type, next, existing, statusOnly) is { } crInvalid)
        {
            return crInvalid;
        }

        // A status write changes nothing but the status (every other field is the stored one's): when the statuses differ
        // the objects do, found without comparing the rest (metadata and spec, before the status in field order) first.
        if ((!statusOnly || JsonNode.DeepEquals(next["status"], existing["status"])) && JsonNode.DeepEquals(next, existing))
        {
            // Nothing to write: the answer is the stored object, presented only if someone reads it (a controller's no-op
            // status write reads nothing).
            return new ApiResult(200, type, existing);
        }

        if (!statusOnly && type.Group.Length == 0 && type.Plural == "pods"
            && PodSecurityAdmission.ValidateUpdate(type, FindNamespace((string)existing["metadata"]!["namespace"]!), next, existing) is { } refused)
        {
            return refused;
        }

        if (!statusOnly && type.Group.Length == 0 && type.Plural == "namespaces" && PodSecurityAdmission.ValidateNamespace(type, next, existing) is { } badLabels)
        {
            return badLabels;
        }

        var nextMeta = next["metadata"]!.AsObject();
        var finalizers = nextMeta["finalizers"] as JsonArray;
        if (finalizers is { Count: 0 })
        {
            nextMeta.Remove("finalizers");
        }

        if (dryRun)
        {
            return new ApiResult(200, Present(type, next));
        }

        var key = KeyOf(existing);
        if (nextMeta["deletionTimestamp"] is not null && finalizers is null or { Count: 0 })
        {
            var removed = CommitLocked(type.StorageKey, key, next, existing, StoredEvent.Deleted, take: true);
            AfterDeleteLocked(type, removed);
            return new ApiResult(200, Present(type, removed));
        }

        var committed = CommitLocked(type.StorageKey, key, next, existing, StoredEvent.Modified, take: true, VerdictOf(type, next));
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions" && !statusOnly)
        {
            CrdRegistrar.Register(_registry, committed);
        }

        return Answer(200, type, committed);
    }

    private ApiResult DeleteLocked(ResourceType type, JsonObject existing, DeleteOptions options)
    {
        var meta = existing["metadata"]!.AsObject();
        var name = (string)meta["name"]!;
        if (options.PreconditionUid is { Length: > 0 } uid && uid != (string?)meta["uid"])
        {
            return ApiErrors.ConflictPrecondition(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {(string?)meta["uid"]}");
        }

        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != (string?)meta["resourceVersion"])
        {
            return ApiErrors.ConflictPrecondition(type, name,
                $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {(string?)meta["resourceVersion"]}");
        }

        var next = (JsonObject)existing.DeepClone();
        var nextMeta = next["metadata"]!.AsObject();
        var current = (nextMeta["finalizers"] as JsonArray ?? []).Select(f => (string?)f).OfType<string>().ToList();
        var finalizers = new JsonArray([.. GarbageCollectionPolicy.FinalizersAfterDelete(type, options, current).Select(f => (JsonNode?)f)]);
        var isNamespace = type.Group.Length == 0 && type.Plural == "namespaces";
        if (finalizers.Count > 0 || isNamespace)
        {
            if (finalizers.Count > 0)
            {
                nextMeta["finalizers"] = finalizers;
            }
            else
            {
                nextMeta.Remove("finalizers");
            }

            if (nextMeta["deletionTimestamp"] is null)
            {
                if (nextMeta["generation"] is { } gen)
                {
                    nextMeta["generation"] = (JsonNumbers.Long(gen) ?? 0) + 1;
                }

                nextMeta["deletionTimestamp"] = Timestamp();
                nextMeta["deletionGracePeriodSeconds"] = 0;
            }

            if (isNamespace)
            {
                EnsureObject(next, "status")["phase"] = "Terminating";
            }

            if (options.DryRun)
            {
                return new ApiResult(200, Present(type, next));
            }

            var marked = JsonNode.DeepEquals(next, existing) ? existing : CommitLocked(type.StorageKey, KeyOf(existing), next, existing, StoredEvent.Modified, take: true);
            return new ApiResult(options.OrphanDependents == false ? 202 : 200, Present(type, marked));
        }

        if (options.DryRun)
        {
            return new ApiResult(200, Present(type, existing));
        }

        var removed = CommitLocked(type.StorageKey, KeyOf(existing), existing, existing, StoredEvent.Deleted);
        AfterDeleteLocked(type, removed);
        if (DeleteReturnsStatus(type))
        {
            return new ApiResult(200, new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = new JsonObject
                {
                    ["name"] = name,
                    ["group"] = type.Group.Length == 0 ? null : type.Group,
                    ["kind"] = type.Plural,
                    ["uid"] = (string?)meta["uid"],
                },
            });
        }

        return new ApiResult(200, Present(type, removed));
    }

    private void AfterDeleteLocked(ResourceType type, JsonObject removed)
    {
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions")
        {
            CrdRegistrar.Unregister(this, _registry, removed);
        }
    }

    private static bool DeleteReturnsStatus(ResourceType type) =>
        (type.Group, type.Plural) is ("", "configmaps") or ("", "secrets") or ("", "events") or ("", "serviceaccounts")
            or ("apps", "deployments") or ("batch", "jobs") or ("coordination.k8s.io", "leases") or ("events.k8s.io", "events")
            or ("rbac.authorization.k8s.io", _);

    /// <summary>
    /// Stores (or removes, for DELETED) an object under a new resourceVersion and announces it. With
    /// <paramref name="take"/> the caller hands over <paramref name="obj"/>, a copy of its own that nothing else references
    /// and that it does not touch again, and it is stored as it is; otherwise a copy is stored.
    /// </summary>
    /// <param name="validation">The verdict of the custom-resource schema that admitted <paramref name="obj"/>, kept with the commit.</param>
    internal JsonObject CommitLocked((string, string) storageKey, string key, JsonObject obj, JsonObject? old, string eventType, bool take = false, (CustomResources.CustomResourceSchema, object)? validation = null)
    {
        var committed = take ? obj : (JsonObject)obj.DeepClone();
        _rv++;
        committed["metadata"]!["resourceVersion"] = Rv(_rv);
        if (!_data.TryGetValue(storageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredEvent>(StringComparer.Ordinal);
            _data[storageKey] = bucket;
        }

        var deleted = eventType == StoredEvent.Deleted;
        var e = new StoredEvent(_rv, storageKey, eventType, committed, old) { Validation = validation };
        if (storageKey == NamespacesKey)
        {
            _namespaceTrees.Remove(key);
        }

        if (bucket.TryGetValue(key, out var replaced) && old is not null)
        {
            // The old object is the version stored until now (every caller passes the tree it read of it, or null): its JSON,
            // once written, is the event's old object's.
            e.Replacing(replaced);
        }

        if (deleted)
        {
            bucket.Remove(key);
        }
        else
        {
            bucket[key] = e;
        }

        IndexLocked(storageKey, key, e, committed, deleted);
        if ((string?)committed["metadata"]?["uid"] is { } committedUid)
        {
            if (deleted)
            {
                _uids.Remove(committedUid);
            }
            else
            {
                _uids.Add(committedUid);
            }
        }

        IndexLabelsLocked(storageKey, key, committed, deleted);
        IndexClusterIpLocked(storageKey, key, committed, deleted);
        _lastCommitted = e;
        var node = _history.AddLast(e);
        TrimHistoryLocked();
        CompactHistoryLocked(node);
        foreach (var w in _watchers)
        {
            w.Offer(e);
        }

        _changes.Writer.TryWrite(e);
        return committed;
    }

    /// <summary>
    /// The answer to a write whose last commit stored <paramref name="committed"/>: its body made on demand and its JSON
    /// shared with the commit's watch events; any other object is presented now.
    /// </summary>
    private ApiResult Answer(int code, ResourceType type, JsonObject committed) =>
        _lastCommitted is { } e && ReferenceEquals(e.Object, committed) && e.Type != StoredEvent.Deleted
            ? new ApiResult(code, type, e)
            : new ApiResult(code, Present(type, committed));

    internal JsonObject? FindLocked(ResourceType type, string? ns, string name) => Find(type, ns, name);

    private void TrimHistoryLocked()
    {
        while (_history.Count > _historyCapacity && _history.First is { } first)
        {
            if (first.Value.Rv > _compactedThroughRv)
            {
                // Leaving before its compaction's turn (a history shorter than the lag): compacted now, or a stored version
                // it holds would stay a tree.
                first.Value.Compact();
                _compactedThroughRv = first.Value.Rv;
            }

            if (ReferenceEquals(_compactCursor, first))
            {
                _compactCursor = first.Next;
            }

            _compactedRv = first.Value.Rv;
            first.Value.ForgetOldCommit();
            _history.RemoveFirst();
        }
    }

    /// <summary>
    /// Compacts the history events that are <see cref="HistoryCompactionLag"/> events behind the newest
    /// (<paramref name="newest"/>, just added, or null when nothing was): the versions they hold, replaced or still stored,
    /// are kept as JSON only.
    /// </summary>
    private void CompactHistoryLocked(LinkedListNode<StoredEvent>? newest)
    {
        if (_compactCursor is { List: null })
        {
            // Trimmed away (or the history was cleared): start again at the oldest event still kept.
            _compactCursor = _history.First;
        }

        _compactCursor ??= newest is { List: not null } ? newest : null;
        while (_compactCursor is { } cursor && _rv - cursor.Value.Rv >= HistoryCompactionLag)
        {
            cursor.Value.Compact();
            _compactedThroughRv = cursor.Value.Rv;
            _compactCursor = cursor.Next;
        }
    }

    private SortedDictionary<string, StoredEvent> Bucket(ResourceType type) =>
        _data.TryGetValue(type.StorageKey, out var b) ? b : [];

    /// <summary>The commit of the stored object, or null.</summary>
    private StoredEvent? FindCommit(ResourceType type, string? ns, string name) =>
        Bucket(type).TryGetValue(Key(type.Namespaced ? ns : null, name), out var c) ? c : null;

    /// <summary>
    /// The stored object (read-only): the committed tree, or when it is cold a tree parsed for this caller. Every write reads
    /// the stored object here; a cold custom resource's tree is marked validated when its version was (<see cref="StoredEvent.Validation"/>),
    /// so that a status write to it prunes, defaults and validates only the status, as it does while the object is hot.
    /// </summary>
    private JsonObject? Find(ResourceType type, string? ns, string name)
    {
        if (FindCommit(type, ns, name) is not { } commit)
        {
            return null;
        }

        if (commit.LiveObject is { } live)
        {
            return live;
        }

        var tree = commit.Object;
        if (commit.Validation is { } validation && ReferenceEquals(validation.Schema, type.Schema))
        {
            validation.Schema.MarkValidatedCopy(tree, validation.Verdict);
        }

        return tree;
    }

    /// <summary>The verdict of the schema that admitted <paramref name="obj"/> (kept with its commit: <see cref="StoredEvent.Validation"/>), or null.</summary>
    private static (CustomResources.CustomResourceSchema, object)? VerdictOf(ResourceType type, JsonObject obj) =>
        type.Schema is { } schema && schema.VerdictOf(obj) is { } verdict ? (schema, verdict) : null;

    /// <summary>
    /// The stored namespace (read-only). Every create in a namespace reads it (whether it is terminating, its pod-security
    /// labels), so a cold one is parsed once per commit and that tree kept beside it (<see cref="_namespaceTrees"/>), not
    /// once per create.
    /// </summary>
    private JsonObject? FindNamespace(string ns)
    {
        var key = Key(null, ns);
        if (!_data.TryGetValue(NamespacesKey, out var b) || !b.TryGetValue(key, out var commit))
        {
            return null;
        }

        if (commit.LiveObject is { } live)
        {
            return live;
        }

        if (_namespaceTrees.TryGetValue(key, out var parsed) && ReferenceEquals(parsed.Commit, commit))
        {
            return parsed.Tree;
        }

        var tree = commit.Object;
        _namespaceTrees[key] = (commit, tree);
        return tree;
    }

    private static string Key(string? ns, string name) => (ns ?? "") + "/" + name;

    /// <summary>Whether a storage key (<c>namespace/name</c>) is in <paramref name="ns"/>; cheaper than reading the object's metadata.</summary>
    private static bool InNamespace(string key, string ns) =>
        ns.Length > 0 && key.Length > ns.Length && key[ns.Length] == '/' && key.StartsWith(ns, StringComparison.Ordinal);

    internal static string KeyOf(JsonObject obj) =>
        Key((string?)obj["metadata"]?["namespace"], (string)obj["metadata"]!["name"]!);

    /// <summary>A stored object as the API of <paramref name="type"/> serves it (events.k8s.io Events converted from core/v1).</summary>
    internal static JsonObject Present(ResourceType type, JsonObject stored)
    {
        if (EventConversion.IsEventsV1(type))
        {
            return EventConversion.ToEventsV1(stored);
        }

        var copy = (JsonObject)stored.DeepClone();
        type.Schema?.Default(copy);
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        return copy;
    }

    /// <summary>
    /// Whether <see cref="Present"/> would give an equal copy of <paramref name="stored"/> (no conversion, no schema default
    /// missing, the served apiVersion and kind already in place, in that order of fields), so that it can be serialized as it is.
    /// A custom resource was defaulted when it was written, so it needs defaults on read only after its CRD gained one.
    /// </summary>
    internal static bool PresentsAsStored(ResourceType type, JsonObject stored) =>
        !EventConversion.IsEventsV1(type)
        && stored["apiVersion"] is JsonValue v && v.TryGetValue<string>(out var apiVersion) && apiVersion == type.ApiVersion
        && stored["kind"] is JsonValue k && k.TryGetValue<string>(out var kind) && kind == type.Kind
        && (type.Schema is null || !type.Schema.NeedsDefaults(stored));

    internal static JsonObject EnsureObject(JsonObject parent, string field)
    {
        if (parent[field] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[field] = created;
        return created;
    }

    private static ApiResult? CheckIdentity(ResourceType type, string? ns, string name, JsonObject body)
    {
        var bodyName = (string?)body["metadata"]?["name"];
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            return ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var bodyNs = (string?)body["metadata"]?["namespace"];
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNs) && ns is not null && bodyNs != ns)
        {
            return ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return null;
    }

    private static ApiResult? CheckKind(ResourceType type, JsonObject obj)
    {
        var kind = (string?)obj["kind"];
        var apiVersion = (string?)obj["apiVersion"];
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            return ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            // Another served version of the same resource is fine (no conversion, like a CRD with strategy None).
            var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
            var group = slash < 0 ? "" : apiVersion[..slash];
            if (group != type.Group)
            {
                return ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
            }
        }

        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        return null;
    }

    /// <summary>
    /// A Deployment's generation also moves when its annotations change (other than through /status): they are copied to
    /// its ReplicaSets (pkg/registry/apps/deployment/strategy.go, PrepareForUpdate). Semantic equality: no annotations
    /// and an empty map are the same.
    /// </summary>
    private static bool DeploymentAnnotationsChanged(ResourceType type, JsonObject before, JsonObject after)
    {
        if (type.Group != "apps" || type.Plural != "deployments")
        {
            return false;
        }

        static JsonObject? Annotations(JsonObject obj) => obj["metadata"]?["annotations"] is JsonObject { Count: > 0 } map ? map : null;
        var old = Annotations(before);
        var next = Annotations(after);
        return old is null ? next is not null : next is null || !JsonNode.DeepEquals(old, next);
    }

    /// <summary>Whether anything but metadata, kind, apiVersion (and status, for a type with the status subresource) differs; compared in place, without copies.</summary>
    private static bool SpecChanged(ResourceType type, JsonObject before, JsonObject after)
    {
        bool Ignored(string key) => key is "metadata" or "kind" or "apiVersion" || (type.HasStatus && key == "status");

        foreach (var (key, value) in before)
        {
            if (!Ignored(key) && (!after.TryGetPropertyValue(key, out var other) || !JsonNode.DeepEquals(value, other)))
            {
                return true;
            }
        }

        foreach (var (key, _) in after)
        {
            if (!Ignored(key) && !before.ContainsKey(key))
            {
                return true;
            }
        }

        return false;
    }

    private static void InitialiseStatus(ResourceType type, JsonObject obj)
    {
        switch (type.Group, type.Plural)
        {
            case ("", "namespaces"):
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                EnsureObject(obj, "spec")["finalizers"] ??= new JsonArray("kubernetes");
                break;
            case ("", "pods"):
                obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
                break;
            default:
                if (type.HasStatus)
                {
                    obj.Remove("status");
                }

                break;
        }
    }

    private static ApiResult? ValidateName(ResourceType type, string name)
    {
        if (type.Group == "rbac.authorization.k8s.io")
        {
            // RBAC names are path segments (pkg/apis/rbac/validation ValidateRBACName), so "system:basic-user" is valid.
            var why = name is "." or ".." ? $"may not be '{name}'" : name.Contains('/', StringComparison.Ordinal) ? "may not contain '/'" : name.Contains('%', StringComparison.Ordinal) ? "may not contain '%'" : null;
            return why is null ? null : ApiErrors.Invalid(type, name, "metadata.name", $"Invalid value: \"{name}\": {why}");
        }

        return Builtins.NameRules.Validate(type, name);
    }

    private IEnumerable<JsonObject> ServicesLocked() => _data.TryGetValue(("", "services"), out var b) ? b.Values.Select(c => c.Object) : [];

    /// <summary>A generateName suffix (names.SimpleNameGenerator: 5 characters of utilrand's alphabet), from the seeded source; called under the lock.</summary>
    private string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[_names.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>The store's clock, for records kept beside the objects (job completions).</summary>
    internal DateTimeOffset Now() => _time.GetUtcNow();

    internal string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Rv(long rv) => rv.ToString(CultureInfo.InvariantCulture);

    private static string EncodeContinue(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private static string? DecodeContinue(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
