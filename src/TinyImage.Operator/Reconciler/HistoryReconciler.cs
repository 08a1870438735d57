using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 5: deletes build Jobs (and their Containerfile ConfigMaps) that no longer matter: a superseded build still
/// running (the spec changed), and finished builds beyond <see cref="OperatorOptions.BuildHistoryLimit"/>, oldest
/// first. Reads the caches only, so a steady state costs nothing. Owns no condition.
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
        var jobs = cluster.JobCache.ByIndex(ResourceCache<V1Job>.OwnerUidIndex, uid)
            .Where(j => j.Metadata.Name != currentBuildName && j.Metadata.DeletionTimestamp is null)
            .ToList();
        var configMaps = cluster.ConfigMapCache.ByIndex(ResourceCache<V1ConfigMap>.OwnerUidIndex, uid)
            .Where(c => c.Metadata.Name != currentBuildName && c.Metadata.Labels?.TryGetValue(Annotations.ComponentLabel, out var component) == true && component == ChildMetadata.ComponentBuild)
            .ToList();
        if (jobs.Count == 0 && configMaps.Count == 0)
        {
            return StepResult.Continue; // only the current build: nothing to clean up, nothing more to allocate (issue 17)
        }

        var doomed = new HashSet<string>(jobs.Where(j => !IsFinished(j)).Select(j => j.Metadata.Name));
        var finished = jobs.Where(IsFinished).Select(j => (j.Metadata.Name, Time: j.Status?.CompletionTime ?? j.Metadata.CreationTimestamp))
            .Concat(configMaps.Where(c => jobs.All(j => j.Metadata.Name != c.Metadata.Name)).Select(c => (c.Metadata.Name, Time: c.Metadata.CreationTimestamp)))
            .OrderByDescending(e => e.Time)
            .ThenByDescending(e => e.Name, StringComparer.Ordinal)
            .Skip(options.BuildHistoryLimit);
        doomed.UnionWith(finished.Select(e => e.Name));

        foreach (var name in doomed.Order(StringComparer.Ordinal))
        {
            if (jobs.Any(j => j.Metadata.Name == name))
            {
                logger.LogInformation("Deleting old build Job {Namespace}/{Job}", run.Namespace, name);
                await cluster.Jobs.DeleteAsync(run.Namespace, name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
            }

            if (configMaps.Any(c => c.Metadata.Name == name))
            {
                await cluster.ConfigMaps.DeleteAsync(run.Namespace, name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
            }
        }

        return StepResult.Continue;
    }

    /// <summary>Nothing is cleaned up in a pass that stopped.</summary>
    public void Skip(Reconciliation run)
    {
    }

    private static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;
}
