using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// The rolling-update arithmetic of kube-controller-manager (pkg/controller/deployment/util/deployment_util.go:
/// <c>ResolveFenceposts</c>, <c>MaxSurge</c>, <c>MaxUnavailable</c>, <c>NewRSNewReplicas</c>; apimachinery
/// <c>intstr.GetScaledValueFromIntOrPercent</c>), with the API server's defaults for absent fields
/// (pkg/apis/apps/v1/defaults.go: RollingUpdate, 25% and 25%).
/// </summary>
internal static class Fenceposts
{
    /// <summary>The default of <c>maxSurge</c> and <c>maxUnavailable</c>.</summary>
    public const string DefaultPercent = "25%";

    /// <summary>
    /// An int-or-percent scaled to <paramref name="total"/>: a percent rounds up for surge and down for unavailability.
    /// An absent value is 0 (<c>intstr.ValueOrDefault</c>); null when the value is neither an integer nor a percent string.
    /// </summary>
    public static int? Scaled(JsonNode? value, int total, bool roundUp)
    {
        if (value is null)
        {
            return 0;
        }

        if (JsonNumbers.Long(value) is { } n)
        {
            return (int)n;
        }

        if (value is JsonValue v && v.TryGetValue<string>(out var s) && s.EndsWith('%')
            && int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
        {
            var exact = (double)percent * total / 100;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return null;
    }

    /// <summary>
    /// <c>ResolveFenceposts</c>: surge rounded up, unavailable rounded down; when both resolve to 0, unavailable becomes 1
    /// (validation refuses explicit zeros, rounding can still produce them). Null for a value that is not an int or a percent.
    /// </summary>
    public static (int Surge, int Unavailable)? Resolve(JsonNode? maxSurge, JsonNode? maxUnavailable, int desired)
    {
        if (Scaled(maxSurge, desired, roundUp: true) is not { } surge || Scaled(maxUnavailable, desired, roundUp: false) is not { } unavailable)
        {
            return null;
        }

        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    /// <summary><c>MaxSurge</c>: 0 for Recreate.</summary>
    public static int MaxSurge(DeploymentView d) =>
        d.IsRollingUpdate ? (Resolve(d.MaxSurgeValue, d.MaxUnavailableValue, d.Replicas)?.Surge ?? 0) : 0;

    /// <summary><c>MaxUnavailable</c>: 0 for Recreate or 0 replicas, at most the replicas.</summary>
    public static int MaxUnavailable(DeploymentView d)
    {
        if (!d.IsRollingUpdate || d.Replicas == 0)
        {
            return 0;
        }

        return Math.Min(Resolve(d.MaxSurgeValue, d.MaxUnavailableValue, d.Replicas)?.Unavailable ?? 0, d.Replicas);
    }

    /// <summary>
    /// <c>NewRSNewReplicas</c>: how many replicas the new ReplicaSet may have now. Rolling: up to replicas + maxSurge pods in
    /// all ReplicaSets together, never more than the Deployment's replicas. Recreate: the Deployment's replicas.
    /// </summary>
    public static int NewReplicaSetReplicas(DeploymentView d, int allReplicaSetsSpecReplicas, int newReplicaSetSpecReplicas)
    {
        if (!d.IsRollingUpdate)
        {
            return d.Replicas;
        }

        var maxSurge = Scaled(d.MaxSurgeValue, d.Replicas, roundUp: true) ?? 0;
        var maxTotal = d.Replicas + maxSurge;
        if (allReplicaSetsSpecReplicas >= maxTotal)
        {
            return newReplicaSetSpecReplicas;
        }

        var scaleUp = Math.Min(maxTotal - allReplicaSetsSpecReplicas, d.Replicas - newReplicaSetSpecReplicas);
        return newReplicaSetSpecReplicas + scaleUp;
    }
}
