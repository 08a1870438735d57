using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// A Deployment as the controller reads it, with the API server's defaults applied where a field is absent
/// (pkg/apis/apps/v1/defaults.go: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600).
/// The controller writes only the status and the annotations: everything is read in place from the object given (the
/// committed one, never mutated), and the status and the annotations are copied on their first write
/// (<see cref="WritableStatus"/>, <see cref="ReplaceStatus"/>, <see cref="WritableAnnotations"/>), so a sync that writes
/// nothing (most syncs: the events of the controller's own writes) copies nothing.
/// </summary>
internal sealed class DeploymentView(JsonObject obj)
{
    private readonly JsonObject _read = obj;
    private JsonObject? _status;
    private bool _statusWritten;
    private JsonObject? _annotations;

    /// <summary>The status to write: the working copy once written, else the status as read (null: none).</summary>
    public JsonNode? StatusNode => _statusWritten ? _status : _read["status"];

    /// <summary>The annotations to write: the working copy once written, else the annotations as read (null: none).</summary>
    public JsonObject? Annotations => _annotations ?? _read["metadata"]?["annotations"] as JsonObject;

    /// <summary>The status, copied on the first call: edits go to the copy.</summary>
    public JsonObject WritableStatus()
    {
        if (!_statusWritten)
        {
            _status = _read["status"] is JsonObject s ? (JsonObject)s.DeepClone() : [];
            _statusWritten = true;
        }

        return _status ??= [];
    }

    /// <summary>The status the next write carries (a new object, given away to the view).</summary>
    public void ReplaceStatus(JsonObject status)
    {
        _status = status;
        _statusWritten = true;
    }

    /// <summary>The annotations, copied on the first call: edits go to the copy.</summary>
    public JsonObject WritableAnnotations() =>
        _annotations ??= _read["metadata"]?["annotations"] is JsonObject a ? (JsonObject)a.DeepClone() : [];

    /// <summary>The spec as read (not to be mutated).</summary>
    public JsonNode? Spec => _read["spec"];

    public string Namespace => (string)_read["metadata"]!["namespace"]!;

    public string Name => (string)_read["metadata"]!["name"]!;

    public string Uid => (string)_read["metadata"]!["uid"]!;

    /// <summary>
    /// The resourceVersion a write is conditioned on: the one read, then that of the controller's own last write (a write
    /// refused because another one came between leaves it, so every later write of this sync is refused too).
    /// </summary>
    public string ResourceVersion { get; set; } = (string?)obj["metadata"]?["resourceVersion"] ?? "";

    public long Generation => JsonNumbers.Long(_read["metadata"]?["generation"]) ?? 0;

    public bool Deleting => _read["metadata"]?["deletionTimestamp"] is not null;

    public int Replicas => (int)(JsonNumbers.Long(Spec?["replicas"]) ?? 1);

    public int MinReadySeconds => (int)(JsonNumbers.Long(Spec?["minReadySeconds"]) ?? 0);

    public bool Paused => Spec?["paused"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public int RevisionHistoryLimit => (int)(JsonNumbers.Long(Spec?["revisionHistoryLimit"]) ?? 10);

    /// <summary>progressDeadlineSeconds; null when it is <c>MaxInt32</c> (no deadline), as <c>HasProgressDeadline</c> reads it.</summary>
    public int? ProgressDeadlineSeconds => (JsonNumbers.Long(Spec?["progressDeadlineSeconds"]) ?? 600) is var s && s == int.MaxValue ? null : (int)s;

    public bool IsRollingUpdate => (string?)Spec?["strategy"]?["type"] is null or "RollingUpdate";

    public JsonNode? MaxSurgeValue => Spec?["strategy"]?["rollingUpdate"]?["maxSurge"] ?? Fenceposts.DefaultPercent;

    public JsonNode? MaxUnavailableValue => Spec?["strategy"]?["rollingUpdate"]?["maxUnavailable"] ?? Fenceposts.DefaultPercent;

    public JsonObject Template => Spec?["template"] as JsonObject ?? [];

    public JsonObject Selector => Spec?["selector"] as JsonObject ?? [];

    /// <summary>The status (read-only: <see cref="WritableStatus"/> to edit it).</summary>
    public JsonObject Status => StatusNode as JsonObject ?? [];

    public int? CollisionCount => JsonNumbers.Long(Status["collisionCount"]) is { } c ? (int)c : null;
}
