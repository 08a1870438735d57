using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// A Deployment as the controller reads it, with the API server's defaults applied where a field is absent
/// (pkg/apis/apps/v1/defaults.go: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600).
/// The controller writes only the status and the annotations: <see cref="Object"/> is a working copy of the metadata and
/// the status, and the spec is read in place from the object given (the committed one, never mutated).
/// </summary>
internal sealed class DeploymentView
{
    private readonly JsonObject _read;

    public DeploymentView(JsonObject obj)
    {
        _read = obj;
        Object = [];
        foreach (var field in new[] { "metadata", "status" })
        {
            if (obj.TryGetPropertyValue(field, out var value))
            {
                Object[field] = value?.DeepClone();
            }
        }
    }

    /// <summary>The working copy: metadata and status.</summary>
    public JsonObject Object { get; }

    /// <summary>The spec as read (not to be mutated).</summary>
    public JsonNode? Spec => _read["spec"];

    public string Namespace => (string)Object["metadata"]!["namespace"]!;

    public string Name => (string)Object["metadata"]!["name"]!;

    public string Uid => (string)Object["metadata"]!["uid"]!;

    public long Generation => JsonNumbers.Long(Object["metadata"]?["generation"]) ?? 0;

    public bool Deleting => Object["metadata"]?["deletionTimestamp"] is not null;

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

    public JsonObject Status => Object["status"] as JsonObject ?? [];

    public int? CollisionCount => JsonNumbers.Long(Status["collisionCount"]) is { } c ? (int)c : null;
}
