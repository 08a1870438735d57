using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// The counted advisories of each audited TinyImage's serving image by severity, for the gauge
/// <c>tinyimage_advisories{namespace,name,severity}</c>: set by each pass that audits, removed when the TinyImage goes or
/// is no longer audited, and those a controller set are cleared when it stops leading (a standby reports none).
/// </summary>
internal static class AdvisoryGauges
{
    /// <summary>The severity label values, in the order of <see cref="Counts"/>.</summary>
    public static IReadOnlyList<string> Severities { get; } = ["critical", "high", "medium", "low", "unknown"];

    private static readonly ConcurrentDictionary<ObjectKey, (object Owner, int[] Counts)> Current = new();

    /// <summary>Sets the counts of <paramref name="key"/> from <paramref name="summary"/>, on behalf of <paramref name="owner"/> (a controller's re-audit).</summary>
    public static void Set(object owner, ObjectKey key, AdvisorySummary summary)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(summary);
        Current[key] = (owner, Counts(summary));
    }

    public static void Remove(ObjectKey key) => Current.TryRemove(key, out _);

    /// <summary>Removes every series <paramref name="owner"/> set.</summary>
    public static void Clear(object owner)
    {
        foreach (var (key, value) in Current)
        {
            if (ReferenceEquals(value.Owner, owner))
            {
                Current.TryRemove(new KeyValuePair<ObjectKey, (object, int[])>(key, value));
            }
        }
    }

    /// <summary>critical, high, medium, low (low and none), unknown.</summary>
    public static int[] Counts(AdvisorySummary summary) => [summary.Critical, summary.High, summary.Medium, summary.Low, summary.Unknown];

    /// <summary>One measurement per TinyImage and severity.</summary>
    public static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (key, (_, counts)) in Current)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                yield return new Measurement<long>(
                    counts[i],
                    new KeyValuePair<string, object?>("namespace", key.Namespace),
                    new KeyValuePair<string, object?>("name", key.Name),
                    new KeyValuePair<string, object?>("severity", Severities[i]));
            }
        }
    }
}
