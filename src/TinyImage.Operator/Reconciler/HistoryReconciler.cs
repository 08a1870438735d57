using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 5: deletes build Jobs that no longer matter: a superseded build still running (the spec changed), and finished
/// builds beyond <see cref="OperatorOptions.BuildHistoryLimit"/>, oldest first. Also deletes the Containerfile ConfigMaps
/// the previous release created beside its build Jobs (this release puts the Containerfile into the Job itself), each
/// once no running Job mounts it. Reads the caches only, so a steady state costs nothing. Owns no condition.
/// </summary>
internal sealed class HistoryReconciler(ClusterView cluster, OperatorOptions options, ILogger logger) : ISubReconciler
{
    public string Name => "history";

    public string Phase => Phases.Ready;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        if (run.Uid is not { } uid || run.Hash is not { } hash)
        {
            return StepResult.Continue;
        }

        var currentBuildName = ChildMetadata.BuildName(run.Name, hash);
        var owned = cluster.JobCache.ByIndex(ResourceCache<V1Job>.OwnerUidIndex, uid);
        var jobs = owned.Where(j => j.Metadata.Name != currentBuildName && j.Metadata.DeletionTimestamp is null).ToList();
        var ownedConfigMaps = cluster.ConfigMapCache.ByIndex(ResourceCache<V1ConfigMap>.OwnerUidIndex, uid);
        if (jobs.Count == 0 && !ownedConfigMaps.Any(c => c.Metadata.Labels?.TryGetValue(Annotations.ComponentLabel, out var component) == true && component == ChildMetadata.ComponentBuild))
        {
            return StepResult.Continue; // only the current build and no build ConfigMap: nothing to clean up, nothing more to allocate (issue 17)
        }

        var doomed = new HashSet<string>(jobs.Where(j => !IsFinished(j)).Select(j => j.Metadata.Name));
        var finished = jobs.Where(IsFinished).Select(j => (j.Metadata.Name, Time: j.Status?.CompletionTime ?? j.Metadata.CreationTimestamp))
            .OrderByDescending(e => e.Time)
            .ThenByDescending(e => e.Name, StringComparer.Ordinal)
            .Skip(options.BuildHistoryLimit);
        doomed.UnionWith(finished.Select(e => e.Name));

        foreach (var name in doomed.Order(StringComparer.Ordinal))
        {
            logger.LogInformation("Deleting old build Job {Namespace}/{Job}", run.Namespace, name);
            await cluster.Jobs.DeleteAsync(run.Namespace, name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
        }

        // The previous release's Containerfile ConfigMaps (NAME-build-HASH, mounted by the Job of the same name): kept
        // while that Job runs (its pod, or a retried one, still reads the file), deleted once it finished, is deleted or
        // is gone. Only ConfigMaps this TinyImage controls and that carry the operator's build labels.
        var running = new HashSet<string>(
            owned.Where(j => j.Metadata.DeletionTimestamp is null && !IsFinished(j) && !doomed.Contains(j.Metadata.Name)).Select(j => j.Metadata.Name),
            StringComparer.Ordinal);
        var legacy = ownedConfigMaps
            .Where(c => c.Metadata.DeletionTimestamp is null && IsPreviousReleaseBuildConfigMap(c, run.Name, uid) && !running.Contains(c.Metadata.Name))
            .Select(c => c.Metadata.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var name in legacy)
        {
            logger.LogInformation("Deleting the previous release's Containerfile ConfigMap {Namespace}/{ConfigMap}", run.Namespace, name);
            await cluster.ConfigMaps.DeleteAsync(run.Namespace, name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
        }

        return StepResult.Continue;
    }

    /// <summary>Nothing is cleaned up in a pass that stopped.</summary>
    public void Skip(Reconciliation run)
    {
    }

    /// <summary>
    /// A Containerfile ConfigMap as the previous release wrote it: controlled by this TinyImage (owner uid), labelled as a
    /// build child of it by the operator (component build, managed-by, the TinyImage's name label, a build hash) and named
    /// <c>NAME-build-HASH</c> for that hash. An owner reference alone is not enough: anyone who can write ConfigMaps can
    /// write one, and the operator deletes nothing it did not make.
    /// </summary>
    internal static bool IsPreviousReleaseBuildConfigMap(V1ConfigMap configMap, string tinyImageName, string uid)
    {
        var labels = configMap.Metadata.Labels;
        string? Label(string key) => labels?.TryGetValue(key, out var value) == true ? value : null;
        return ChildWriter.IsControlledBy(configMap, uid)
            && Label(Annotations.ComponentLabel) == ChildMetadata.ComponentBuild
            && Label(Annotations.ManagedByLabel) == Annotations.ManagedByValue
            && Label(Annotations.NameLabel) == ChildMetadata.Shorten(tinyImageName, ChildMetadata.MaxLabelValueLength)
            && Label(Annotations.BuildHashLabel) is { } hash && BuildHash.IsValid(hash)
            && configMap.Metadata.Name == ChildMetadata.BuildName(tinyImageName, hash);
    }

    private static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;
}
