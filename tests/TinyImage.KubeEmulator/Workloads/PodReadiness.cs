using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// Pod predicates the workload controllers share (pkg/api/v1/pod/util.go <c>IsPodReady</c>, <c>IsPodAvailable</c>;
/// pkg/controller/controller_utils.go <c>IsPodActive</c> and the <c>ActivePodsWithRanks</c> order).
/// </summary>
internal static class PodReadiness
{
    public static string Phase(JsonObject pod) => (string?)pod["status"]?["phase"] ?? "Pending";

    /// <summary><c>IsPodActive</c>: not Succeeded, not Failed, not being deleted.</summary>
    public static bool IsActive(JsonObject pod) =>
        Phase(pod) is not ("Succeeded" or "Failed") && pod["metadata"]?["deletionTimestamp"] is null;

    public static JsonObject? ReadyCondition(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");

    /// <summary><c>IsPodReady</c>: the Ready condition is True.</summary>
    public static bool IsReady(JsonObject pod) => (string?)ReadyCondition(pod)?["status"] == "True";

    /// <summary>
    /// <c>IsPodAvailable</c>: ready, and either minReadySeconds is 0 or the Ready condition's lastTransitionTime plus
    /// minReadySeconds is before <paramref name="now"/>.
    /// </summary>
    public static bool IsAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }

        if (minReadySeconds == 0)
        {
            return true;
        }

        return ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    public static DateTimeOffset? ReadySince(JsonObject pod) =>
        (string?)ReadyCondition(pod)?["lastTransitionTime"] is { } t
        && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static int RestartCount(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().Select(c => (int)(JsonNumbers.Long(c["restartCount"]) ?? 0)).DefaultIfEmpty(0).Max() ?? 0;

    /// <summary>
    /// The order in which a ReplicaSet deletes pods (<c>ActivePodsWithRanks.Less</c>, one node so equal ranks): unscheduled
    /// before scheduled, Pending before Unknown before Running, not ready before ready, ready for less time first, more restarts
    /// first, newer first.
    /// </summary>
    public static int DeletionOrder(JsonObject a, JsonObject b)
    {
        var assignedA = !string.IsNullOrEmpty((string?)a["spec"]?["nodeName"]);
        var assignedB = !string.IsNullOrEmpty((string?)b["spec"]?["nodeName"]);
        if (assignedA != assignedB)
        {
            return assignedA ? 1 : -1;
        }

        var phase = PhaseRank(Phase(a)).CompareTo(PhaseRank(Phase(b)));
        if (phase != 0)
        {
            return phase;
        }

        var readyA = IsReady(a);
        var readyB = IsReady(b);
        if (readyA != readyB)
        {
            return readyA ? 1 : -1;
        }

        if (readyA && ReadySince(a) is { } sa && ReadySince(b) is { } sb && sa != sb)
        {
            return sb.CompareTo(sa); // ready more recently first
        }

        var restarts = RestartCount(b).CompareTo(RestartCount(a));
        if (restarts != 0)
        {
            return restarts;
        }

        return string.CompareOrdinal((string?)b["metadata"]?["creationTimestamp"], (string?)a["metadata"]?["creationTimestamp"]);
    }

    private static int PhaseRank(string phase) => phase switch
    {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
}
