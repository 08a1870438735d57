namespace TinyImage.KubeEmulator;

/// <summary>
/// What a DELETE does to dependents when the request names no policy, per kind (a strategy's
/// <c>DefaultGarbageCollectionPolicy</c>), and which of the <c>orphan</c> / <c>foregroundDeletion</c> finalizers a
/// DELETE leaves on the object (the generic registry's <c>deletionFinalizersForGarbageCollection</c>).
/// </summary>
internal static class GarbageCollectionPolicy
{
    /// <summary>The warning batch/v1 answers a Job DELETE (or DELETE collection) that leaves the policy to the default.</summary>
    public const string JobDefaultWarning = "child pods are preserved by default when jobs are deleted; "
        + "set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning";

    /// <summary>batch/v1 Jobs orphan their pods by default; Events take no garbage-collection finalizers; the rest delete dependents.</summary>
    public static string DefaultFor(ResourceType type) => (type.Group, type.Version, type.Plural) switch
    {
        ("batch", "v1", "jobs") => "Orphan",
        ("", _, "events") or ("events.k8s.io", _, "events") => "Unsupported",
        _ => "Background",
    };

    /// <summary>True when a DELETE of this kind with these options gets the Job default-orphaning warning.</summary>
    public static bool WarnsOfDefault(ResourceType type, DeleteOptions options) =>
        options.PropagationPolicy is null && options.OrphanDependents is null && DefaultFor(type) == "Orphan";

    /// <summary>
    /// The finalizers after a DELETE: both garbage-collection finalizers are dropped and put back as the options (first),
    /// the object's own finalizers (next) and the kind's default (last) decide.
    /// </summary>
    public static List<string> FinalizersAfterDelete(ResourceType type, DeleteOptions options, IReadOnlyList<string> finalizers)
    {
        var kept = finalizers.Where(f => f is not ("orphan" or "foregroundDeletion")).ToList();
        var defaultPolicy = DefaultFor(type);
        if (defaultPolicy == "Unsupported")
        {
            return kept;
        }

        if (ShouldOrphan(defaultPolicy, options, finalizers))
        {
            kept.Add("orphan");
        }

        if (ShouldDeleteInForeground(options, finalizers))
        {
            kept.Add("foregroundDeletion");
        }

        return kept;
    }

    private static bool ShouldOrphan(string defaultPolicy, DeleteOptions options, IReadOnlyList<string> finalizers)
    {
        if (options.OrphanDependents is { } orphan)
        {
            return orphan;
        }

        if (options.PropagationPolicy is { } policy)
        {
            return policy == "Orphan";
        }

        if (FirstGcFinalizer(finalizers) is { } f)
        {
            return f == "orphan";
        }

        return defaultPolicy == "Orphan";
    }

    private static bool ShouldDeleteInForeground(DeleteOptions options, IReadOnlyList<string> finalizers)
    {
        if (options.OrphanDependents is not null)
        {
            return false;
        }

        if (options.PropagationPolicy is { } policy)
        {
            return policy == "Foreground";
        }

        return FirstGcFinalizer(finalizers) == "foregroundDeletion";
    }

    private static string? FirstGcFinalizer(IReadOnlyList<string> finalizers) =>
        finalizers.FirstOrDefault(f => f is "orphan" or "foregroundDeletion");
}
