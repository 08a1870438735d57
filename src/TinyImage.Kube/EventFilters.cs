using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Which informer events wake a controller (controller-runtime's predicates). A controller's own status writes must
/// not: they change neither generation, labels, annotations nor deletion, only status and resourceVersion.
/// </summary>
public static class EventFilters
{
    /// <summary>
    /// Flux's GenerationChangedPredicate and annotation predicate together: additions, deletions and resyncs always;
    /// updates when the spec (generation), labels, annotations, finalizers or deletion changed; never status alone.
    /// </summary>
    public static bool SpecOrMetadataChanged<T>(InformerEvent<T> e)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != InformerEventType.Updated || e.Old is not { } old)
        {
            return true;
        }

        var (before, after) = (old.Metadata, e.Object.Metadata);
        return before.Generation != after.Generation
            || before.DeletionTimestamp != after.DeletionTimestamp
            || !SameMap(before.Labels, after.Labels)
            || !SameMap(before.Annotations, after.Annotations)
            || !(before.Finalizers ?? []).SequenceEqual(after.Finalizers ?? []);
    }

    /// <summary>
    /// Wakes when what the controller reads of an object changes: <paramref name="summary"/> of the old object
    /// (null for an addition) differs from that of the new one; deletions and resyncs always.
    /// </summary>
    public static Func<InformerEvent<T>, bool> WhenChanged<T, TSummary>(Func<T?, TSummary> summary)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(summary);
        return e => e.Type is InformerEventType.Deleted or InformerEventType.Resync
            || !EqualityComparer<TSummary>.Default.Equals(summary(e.Type == InformerEventType.Added ? null : e.Old), summary(e.Object));
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(e => b!.TryGetValue(e.Key, out var v) && v == e.Value));
}
