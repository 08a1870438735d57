using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>A ReplicaSet as the controllers read it (spec.replicas defaults to 1, status counters to 0).</summary>
internal sealed class ReplicaSetView(JsonObject obj)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string PodTemplateHashLabel = "pod-template-hash";

    public JsonObject Object { get; } = obj;

    public string Namespace => (string)Object["metadata"]!["namespace"]!;

    public string Name => (string)Object["metadata"]!["name"]!;

    public string Uid => (string)Object["metadata"]!["uid"]!;

    public long Generation => JsonNumbers.Long(Object["metadata"]?["generation"]) ?? 0;

    public bool Deleting => Object["metadata"]?["deletionTimestamp"] is not null;

    public string CreationTimestamp => (string?)Object["metadata"]?["creationTimestamp"] ?? "";

    public int SpecReplicas => (int)(JsonNumbers.Long(Object["spec"]?["replicas"]) ?? 1);

    public int MinReadySeconds => (int)(JsonNumbers.Long(Object["spec"]?["minReadySeconds"]) ?? 0);

    public JsonObject Template => Object["spec"]?["template"] as JsonObject ?? [];

    public int StatusReplicas => Count("replicas");

    public int ReadyReplicas => Count("readyReplicas");

    public int AvailableReplicas => Count("availableReplicas");

    public long ObservedGeneration => JsonNumbers.Long(Object["status"]?["observedGeneration"]) ?? 0;

    /// <summary>status.terminatingReplicas, null when the ReplicaSet controller has not reported it.</summary>
    public int? TerminatingReplicas => JsonNumbers.Long(Object["status"]?["terminatingReplicas"]) is { } t ? (int)t : null;

    /// <summary>The revision annotation (0 when absent; null when it is not a number, and the revision is skipped).</summary>
    public long? Revision => (string?)Object["metadata"]?["annotations"]?[RevisionAnnotation] is not { } s
        ? 0
        : long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;

    public int? Annotation(string key) =>
        (string?)Object["metadata"]?["annotations"]?[key] is { } s && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private int Count(string field) => (int)(JsonNumbers.Long(Object["status"]?[field]) ?? 0);

    /// <summary><c>controller.ReplicaSetsByCreationTimestamp</c>: oldest first, ties by name.</summary>
    public static int ByCreation(ReplicaSetView a, ReplicaSetView b)
    {
        var c = string.CompareOrdinal(a.CreationTimestamp, b.CreationTimestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }
}
