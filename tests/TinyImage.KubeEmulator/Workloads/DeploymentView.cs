using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// A Deployment as the controller reads it, with the API server's defaults applied where a field is absent
/// (pkg/apis/apps/v1/defaults.go: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600).
/// </summary>
internal sealed class DeploymentView(JsonObject obj)
{
    public JsonObject Object { get; } = obj;

    public string Namespace => (string)Object["metadata"]!["namespace"]!;

    public string Name => (string)Object["metadata"]!["name"]!;

    public string Uid => (string)Object["metadata"]!["uid"]!;

    public long Generation => JsonNumbers.Long(Object["metadata"]?["generation"]) ?? 0;

    public bool Deleting => Object["metadata"]?["deletionTimestamp"] is not null;

    public int Replicas => (int)(JsonNumbers.Long(Object["spec"]?["replicas"]) ?? 1);

    public int MinReadySeconds => (int)(JsonNumbers.Long(Object["spec"]?["minReadySeconds"]) ?? 0);

    public bool Paused => Object["spec"]?["paused"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public int RevisionHistoryLimit => (int)(JsonNumbers.Long(Object["spec"]?["revisionHistoryLimit"]) ?? 10);

    /// <summary>progressDeadlineSeconds; null when it is <c>MaxInt32</c> (no deadline), as <c>HasProgressDeadline</c> reads it.</summary>
    public int? ProgressDeadlineSeconds => (JsonNumbers.Long(Object["spec"]?["progressDeadlineSeconds"]) ?? 600) is var s && s == int.MaxValue ? null : (int)s;

    public bool IsRollingUpdate => (string?)Object["spec"]?["strategy"]?["type"] is null or "RollingUpdate";

    public JsonNode? MaxSurgeValue => Object["spec"]?["strategy"]?["rollingUpdate"]?["maxSurge"] ?? Fenceposts.DefaultPercent;

    public JsonNode? MaxUnavailableValue => Object["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"] ?? Fenceposts.DefaultPercent;

    public JsonObject Template => Object["spec"]?["template"] as JsonObject ?? [];

    public JsonObject Selector => Object["spec"]?["selector"] as JsonObject ?? [];

    public JsonObject Status => Object["status"] as JsonObject ?? [];

    public int? CollisionCount => JsonNumbers.Long(Status["collisionCount"]) is { } c ? (int)c : null;
}
