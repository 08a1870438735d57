using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>One committed change: the object after it (never mutated again), and before it for MODIFIED.</summary>
internal sealed record StoredEvent(long Rv, (string Group, string Plural) StorageKey, string Type, JsonObject Object, JsonObject? OldObject)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    /// <summary>A marker a watch turns into the <c>k8s.io/initial-events-end</c> bookmark.</summary>
    public const string InitialEventsEnd = "INITIAL-EVENTS-END";

    private Tuple<ResourceType, byte[]>? _presented;

    public string? Namespace => (string?)Object["metadata"]?["namespace"];

    /// <summary>
    /// <see cref="Object"/> as the API of <paramref name="type"/> serves it, serialized once: every watch of that API
    /// writes the same bytes (the committed object is never mutated, so they never go stale).
    /// </summary>
    public byte[] PresentedJson(ResourceType type)
    {
        if (Volatile.Read(ref _presented) is { } cached && ReferenceEquals(cached.Item1, type))
        {
            return cached.Item2;
        }

        var json = JsonBytes.Of(ObjectStore.PresentsAsStored(type, Object) ? Object : ObjectStore.Present(type, Object));
        Volatile.Write(ref _presented, Tuple.Create(type, json));
        return json;
    }
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
