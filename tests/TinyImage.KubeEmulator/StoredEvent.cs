using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// One committed change: the object after it (never mutated again), and before it for MODIFIED. The store keeps the commit
/// of each stored object (its current version), and the watch history keeps thousands of these. Once an event is old
/// enough that every watch and controller has read it, the store compacts it (<see cref="Compact"/>): each version it holds,
/// the current one included, is kept as its serialized JSON instead of a live tree, and read back from those bytes by
/// whoever still asks (a get, a write, a watch resuming from an old resourceVersion), each reader getting a tree of its own.
/// The content is the same either way.
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
    {
        Rv = rv;
        StorageKey = commit.StorageKey;
        Type = type;
        Namespace = commit.Namespace;

        // Under the store's lock, as compaction: the commit's tree while it has one, else its JSON (nothing is parsed here).
        _presented = commit._presented;
        _object = commit._object;
        _objectJson = _object is null ? commit._objectJson : null;
    }

    public long Rv { get; }

    /// <summary>
    /// The custom-resource schema that admitted this version and its verdict (<see cref="CustomResources.CustomResourceSchema.MarkValidated"/>),
    /// kept with the commit so that a tree read back after compaction is known as validated too; null for anything else.
    /// </summary>
    internal (CustomResources.CustomResourceSchema Schema, object Verdict)? Validation { get; set; }

    public (string Group, string Plural) StorageKey { get; }

    public string Type { get; }

    /// <summary>The object's namespace (read once, at the commit).</summary>
    public string? Namespace { get; }

    /// <summary>
    /// The object after the change: the live tree (read-only: never change it), or after compaction a new tree read back
    /// from its JSON, the caller's own (every read parses again; nothing the store holds refers to it).
    /// </summary>
    public JsonObject Object => Volatile.Read(ref _object) ?? Parse(Volatile.Read(ref _objectJson)!);

    /// <summary>The object before a MODIFIED change, as <see cref="Object"/>.</summary>
    public JsonObject? OldObject => Volatile.Read(ref _oldObject) ?? (Volatile.Read(ref _oldObjectJson) is { } json ? Parse(json) : null);

    /// <summary>Whether <see cref="Object"/> is held as JSON only (the event was compacted).</summary>
    internal bool ObjectCompacted => Volatile.Read(ref _object) is null;

    /// <summary>The live tree of <see cref="Object"/> (read-only), or null once compacted.</summary>
    internal JsonObject? LiveObject => Volatile.Read(ref _object);

    /// <summary>
    /// The object's <c>metadata</c> for a reader that needs nothing else (the garbage collector's sweep over every stored
    /// object): the live tree's own node (read-only), or after compaction parsed from the JSON's <c>metadata</c> member alone,
    /// without building a tree of the rest. Null when the object has no metadata object.
    /// </summary>
    internal JsonObject? Metadata()
    {
        if (Volatile.Read(ref _object) is { } live)
        {
            return live["metadata"] as JsonObject;
        }

        var json = Volatile.Read(ref _objectJson)!;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (isMetadata)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Parse(json.AsSpan(start, (int)reader.BytesConsumed - start));
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>
    /// <see cref="Object"/> as the API of <paramref name="type"/> serves it, serialized once: every watch of that API
    /// writes the same bytes (the committed object is never mutated, so they never go stale).
    /// </summary>
    public byte[] PresentedJson(ResourceType type) => PresentedJson(type, null);

    /// <summary>
    /// <see cref="PresentedJson(ResourceType)"/>, for a caller that already holds a tree of <see cref="Object"/> (parsed for
    /// this reader from the compacted JSON, <paramref name="read"/>): when the JSON is not kept yet, it is made from that tree
    /// instead of parsing the object again.
    /// </summary>
    public byte[] PresentedJson(ResourceType type, JsonObject? read)
    {
        if (Volatile.Read(ref _presented) is { } cached && ReferenceEquals(cached.Type, type))
        {
            return cached.Json;
        }

        var obj = read ?? Object;
        var asStored = ObjectStore.PresentsAsStored(type, obj);

        // As stored, a compacted object's JSON is the answer itself (it is what serializing the tree gives): not written again.
        var json = asStored ? Volatile.Read(ref _objectJson) ?? JsonBytes.Of(obj) : JsonBytes.Of(ObjectStore.Present(type, obj));
        Volatile.Write(ref _presented, new Presented(type, json, asStored));
        return json;
    }

    /// <summary>
    /// Drops the live trees this event keeps: the old object (it was replaced by this change) and the object, whether a later
    /// change replaced it or it is still the stored version. Each is kept as its JSON: the bytes a watch or an answer already
    /// wrote of the version as stored when there are some (the old object's are its commit's), else serialized now, once.
    /// Called under the store's lock; readers on other threads see either the tree or the bytes.
    /// </summary>
    internal void Compact()
    {
        if (_oldObject is { } old)
        {
            Volatile.Write(ref _oldObjectJson, _oldCommit?.StoredJson() ?? JsonBytes.Of(old));
            Volatile.Write(ref _oldObject, null);
        }

        _oldCommit = null;
        if (_object is { } obj)
        {
            Volatile.Write(ref _objectJson, StoredJson() ?? JsonBytes.Of(obj));
            Volatile.Write(ref _object, null);
        }
    }

    /// <summary>Records the commit whose object this change replaced (its JSON is this event's old object's); under the store's lock.</summary>
    internal void Replacing(StoredEvent commit) => _oldCommit = commit;

    /// <summary>Lets go of the commit this change replaced (the event left the history): no chain of events is kept alive.</summary>
    internal void ForgetOldCommit() => _oldCommit = null;

    /// <summary>The stored object's own JSON when it was already written (compacted, or presented as stored), else null.</summary>
    private byte[]? StoredJson() => Volatile.Read(ref _objectJson) ?? (Volatile.Read(ref _presented) is { AsStored: true } presented ? presented.Json : null);

    /// <summary>
    /// A tree read back from JSON by the emulator's own reader (as a request body is): built whole, so that a reader may share
    /// it between threads as it does a live tree (<see cref="JsonNode.Parse(ReadOnlySpan{byte}, JsonNodeOptions?, JsonDocumentOptions)"/>
    /// would build each level on first access, which is not safe from two threads), with the same kinds of values (strings
    /// as strings, numbers as written).
    /// </summary>
    private static JsonObject Parse(ReadOnlySpan<byte> json) => FieldValidation.LastWinsJson.Parse(json, duplicates: null)!.AsObject();

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
