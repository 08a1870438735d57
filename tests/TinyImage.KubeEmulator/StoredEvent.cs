using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// One committed change: the object after it (never mutated again), and before it for MODIFIED.
/// The watch history keeps thousands of these; once an event is old enough that every watch and controller has read it,
/// the store compacts it (<see cref="Compact"/>): each version that is no longer the stored object is kept as its
/// serialized JSON instead of a live tree, and read back from those bytes by whoever still asks (a watch resuming from an
/// old resourceVersion). The content is the same either way.
/// </summary>
internal sealed class StoredEvent
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    /// <summary>A marker a watch turns into the <c>k8s.io/initial-events-end</c> bookmark.</summary>
    public const string InitialEventsEnd = "INITIAL-EVENTS-END";

    private JsonObject? _object;
    private byte[]? _objectJson;
    private JsonObject? _oldObject;
    private byte[]? _oldObjectJson;
    private Presented? _presented;
    private StoredEvent? _oldCommit;

    public StoredEvent(long rv, (string Group, string Plural) storageKey, string type, JsonObject obj, JsonObject? oldObject)
    {
        Rv = rv;
        StorageKey = storageKey;
        Type = type;
        _object = obj;
        _oldObject = oldObject;
        Namespace = (string?)obj["metadata"]?["namespace"];
    }

    /// <summary>
    /// An event of the same object as <paramref name="commit"/> (a watch's initial ADDED of the stored object): it shares the
    /// commit's serialized JSON, so every watch that replays the object writes the bytes the commit's watches wrote.
    /// </summary>
    public StoredEvent(long rv, string type, StoredEvent commit)
        : this(rv, commit.StorageKey, type, commit.Object, null)
    {
        _presented = commit._presented;
    }

    public long Rv { get; }

    public (string Group, string Plural) StorageKey { get; }

    public string Type { get; }

    /// <summary>The object's namespace (read once, at the commit).</summary>
    public string? Namespace { get; }

    /// <summary>The object after the change: the live tree, or after compaction a tree read back from its JSON.</summary>
    public JsonObject Object => Volatile.Read(ref _object) ?? Parse(_objectJson!);

    /// <summary>The object before a MODIFIED change, as <see cref="Object"/>.</summary>
    public JsonObject? OldObject => Volatile.Read(ref _oldObject) ?? (Volatile.Read(ref _oldObjectJson) is { } json ? Parse(json) : null);

    /// <summary>Whether <see cref="Object"/> is no longer the stored object (a later change replaced it, or this one deleted it); set under the store's lock.</summary>
    internal bool Replaced { get; set; }

    /// <summary>Whether <see cref="Object"/> is held as JSON only (the event was compacted after its object was replaced).</summary>
    internal bool ObjectCompacted => Volatile.Read(ref _object) is null;

    /// <summary>
    /// <see cref="Object"/> as the API of <paramref name="type"/> serves it, serialized once: every watch of that API
    /// writes the same bytes (the committed object is never mutated, so they never go stale).
    /// </summary>
    public byte[] PresentedJson(ResourceType type)
    {
        if (Volatile.Read(ref _presented) is { } cached && ReferenceEquals(cached.Type, type))
        {
            return cached.Json;
        }

        var obj = Object;
        var asStored = ObjectStore.PresentsAsStored(type, obj);
        var json = JsonBytes.Of(asStored ? obj : ObjectStore.Present(type, obj));
        Volatile.Write(ref _presented, new Presented(type, json, asStored));
        return json;
    }

    /// <summary>
    /// Drops the live trees this event keeps of versions that are no longer stored: the old object (it was replaced by this
    /// change), and the object when <paramref name="objectReplaced"/> (a later change replaced it, or this one deleted it).
    /// Each is kept as its JSON. Called under the store's lock; readers on other threads see either the tree or the bytes.
    /// </summary>
    internal void Compact(bool objectReplaced)
    {
        // Only JSON that was already written is kept (the bytes a watch or an answer wrote of the version as stored):
        // compacting never serializes anything, and a version nobody wrote out keeps its tree.
        if (_oldObject is not null && _oldCommit?.StoredJson() is { } oldJson)
        {
            Volatile.Write(ref _oldObjectJson, oldJson);
            Volatile.Write(ref _oldObject, null);
        }

        _oldCommit = null;
        if (objectReplaced && _object is not null && StoredJson() is { } json)
        {
            Volatile.Write(ref _objectJson, json);
            Volatile.Write(ref _object, null);
        }
    }

    /// <summary>Records the commit whose object this change replaced (its JSON is this event's old object's); under the store's lock.</summary>
    internal void Replacing(StoredEvent commit) => _oldCommit = commit;

    /// <summary>Lets go of the commit this change replaced (the event left the history): no chain of events is kept alive.</summary>
    internal void ForgetOldCommit() => _oldCommit = null;

    /// <summary>The stored object's own JSON when it was already written (compacted, or presented as stored), else null.</summary>
    private byte[]? StoredJson() => Volatile.Read(ref _objectJson) ?? (Volatile.Read(ref _presented) is { AsStored: true } presented ? presented.Json : null);

    private static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The object's JSON as one API serves it; <paramref name="AsStored"/>: the stored object's own JSON (no conversion, no defaults).</summary>
    private sealed record Presented(ResourceType Type, byte[] Json, bool AsStored);
}

/// <summary>Options of a DELETE request (query parameters and the DeleteOptions body).</summary>
/// <param name="PropagationPolicy">Orphan, Background, Foreground, or null for the kind's default (batch/v1 Jobs: Orphan; Events: none; others: Background).</param>
/// <param name="PreconditionUid">Delete only when the uid matches.</param>
/// <param name="PreconditionResourceVersion">Delete only when the resourceVersion matches.</param>
/// <param name="OrphanDependents">The deprecated orphanDependents flag.</param>
/// <param name="DryRun">Validate and answer without changing anything.</param>
public sealed record DeleteOptions(
    string? PropagationPolicy = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null,
    bool? OrphanDependents = null,
    bool DryRun = false);

/// <summary>The kinds of PATCH the emulator understands.</summary>
public enum PatchKind
{
    /// <summary><c>application/merge-patch+json</c>.</summary>
    Merge,

    /// <summary><c>application/strategic-merge-patch+json</c> (approximated).</summary>
    StrategicMerge,

    /// <summary><c>application/json-patch+json</c>.</summary>
    Json,

    /// <summary><c>application/apply-patch+yaml</c> (server-side apply as create-or-merge).</summary>
    Apply,
}
