using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// What the pods/status subresource keeps from the stored pod before it decodes a write
/// (pkg/registry/core/pod/strategy.go, <c>podStatusStrategy.PrepareForUpdate</c>):
/// <list type="bullet">
/// <item>an empty <c>qosClass</c> is backfilled from the stored status (it is immutable, set at creation);</item>
/// <item><c>preserveOldObservedGeneration</c>: a write that leaves <c>status.observedGeneration</c> out (or 0) keeps the
/// stored one, and a condition without <c>observedGeneration</c> keeps the stored value of the condition of the same type
/// (matched in order, since validation allows repeated types).</item>
/// </list>
/// It runs on the written status before the Go decoding puts its fields in Go's order, so what it adds lands where
/// encoding/json writes it.
/// </summary>
internal static class PodStatusStrategy
{
    public static void PrepareForUpdate(JsonObject next, JsonObject old)
    {
        if (old["status"] is not JsonObject oldStatus)
        {
            return;
        }

        var status = next["status"] as JsonObject;
        if (status is null)
        {
            status = [];
            next["status"] = status;
        }

        var qos = status["qosClass"];
        if ((qos is null || (qos is JsonValue v && v.TryGetValue<string>(out var q) && q.Length == 0)) && oldStatus["qosClass"] is JsonValue oldQos)
        {
            status["qosClass"] = oldQos.DeepClone();
        }

        if (IsZero(status["observedGeneration"]) && oldStatus["observedGeneration"] is JsonValue oldGeneration && !IsZero(oldGeneration))
        {
            status["observedGeneration"] = oldGeneration.DeepClone();
        }

        if (status["conditions"] is not JsonArray conditions || oldStatus["conditions"] is not JsonArray oldConditions
            || !conditions.Any(c => c is JsonObject o && IsZero(o["observedGeneration"])))
        {
            return; // a kubelet's write carries every condition's generation: nothing to keep
        }

        var remembered = new Dictionary<string, Queue<JsonNode?>>(StringComparer.Ordinal);
        foreach (var oldCondition in oldConditions.OfType<JsonObject>())
        {
            var type = (oldCondition["type"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : "";
            if (!remembered.TryGetValue(type, out var generations))
            {
                generations = new Queue<JsonNode?>();
                remembered[type] = generations;
            }

            generations.Enqueue(oldCondition["observedGeneration"]);
        }

        foreach (var condition in conditions.OfType<JsonObject>())
        {
            var type = (condition["type"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : "";
            JsonNode? oldValue = null;
            if (remembered.TryGetValue(type, out var generations) && generations.Count > 0)
            {
                oldValue = generations.Dequeue();
            }

            if (IsZero(condition["observedGeneration"]) && oldValue is JsonValue kept && !IsZero(kept))
            {
                condition["observedGeneration"] = kept.DeepClone();
            }
        }
    }

    /// <summary>Absent, null or the number 0: what Go decodes to 0. Anything else (a string, say) is left for the decoder to refuse.</summary>
    private static bool IsZero(JsonNode? node) => node is null || JsonNumbers.Long(node) == 0;
}
