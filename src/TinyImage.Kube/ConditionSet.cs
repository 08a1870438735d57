using k8s.Models;

namespace TinyImage.Kube;

/// <summary>Sets conditions the Kubernetes way: lastTransitionTime moves only when the status changes.</summary>
public static class ConditionSet
{
    public static V1Condition? Find(IList<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IList<V1Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == "True";

    public static void Set(IList<V1Condition> conditions, string type, string status, string reason, string message, long? generation, DateTimeOffset now)
    {
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = generation,
                LastTransitionTime = Truncate(now),
            });
            return;
        }

        if (existing.Status != status)
        {
            existing.LastTransitionTime = Truncate(now);
        }

        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
    }

    /// <summary>Conditions carry whole seconds (metav1.Time), so a round trip through the API compares equal.</summary>
    private static DateTime Truncate(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
