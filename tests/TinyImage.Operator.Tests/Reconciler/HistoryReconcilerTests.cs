using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Building;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class HistoryReconcilerTests
{
    [Fact]
    public async Task It_Keeps_BuildHistoryLimit_Finished_Builds_And_Deletes_Older_Ones_And_Superseded_Running_Ones()
    {
        await using var h = await StartAsync();
        var (run, builds) = await SetUpAsync(h);
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        string[] doomed = [builds["finished-1"], builds["finished-2"], builds["running-old"]];
        Assert.Equal(doomed.Order(StringComparer.Ordinal), Deleted(h, "jobs"));
        Assert.Equal(doomed.Order(StringComparer.Ordinal), Deleted(h, "configmaps"));
        Assert.NotNull(await h.Cluster.Jobs.GetAsync(Namespace, builds["finished-3"], Token));
        Assert.NotNull(await h.Cluster.Jobs.GetAsync(Namespace, builds["current"], Token));
        Assert.NotNull(await h.Cluster.Jobs.GetAsync(Namespace, "someone-elses-build", Token));
        Assert.NotNull(await h.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token));
    }

    [Fact]
    public async Task A_Second_Pass_After_The_Cleanup_Deletes_Nothing()
    {
        await using var h = await StartAsync();
        var (run, builds) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        foreach (var name in builds.Values)
        {
            await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
            await h.SyncAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, name);
        }

        h.Kube.Requests.Clear();
        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(0, h.Writes());
    }

    /// <summary>
    /// The current build (running), three finished older builds (completed at 1, 2 and 3 o'clock), a superseded build
    /// still running, each with its Containerfile ConfigMap, the SBOM ConfigMap, and a finished Job no TinyImage controls.
    /// </summary>
    private static async Task<(Reconciliation Run, Dictionary<string, string> Builds)> SetUpAsync(StepHarness h)
    {
        h.CreateSource();
        var run = await h.PassAsync(await h.CreateTinyImageAsync());
        var builds = new Dictionary<string, string>();
        string[] kinds = ["current", "finished-1", "finished-2", "finished-3", "running-old"];
        foreach (var (kind, i) in kinds.Select((k, i) => (k, i)))
        {
            var hash = kind == "current" ? run.Hash! : new string((char)('a' + i), run.Hash!.Length);
            var job = KanikoJobBuilder.BuildJob(run.Valid, hash, Options);
            builds[kind] = job.Metadata.Name;
            await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, KanikoJobBuilder.BuildContainerfileConfigMap(run.Valid, hash, Options));
            await h.SeedAsync(h.Cluster.Jobs, h.Cluster.JobCache, job);
            if (kind.StartsWith("finished", StringComparison.Ordinal))
            {
                h.Kube.Jobs.Complete(Namespace, job.Metadata.Name, Digest((char)('a' + i)));
                var finished = (await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, job.Metadata.Name))!;
                finished.Status.CompletionTime = new DateTime(2026, 1, 1, i, 0, 0, DateTimeKind.Utc);
                h.Cluster.JobCache.Upsert(finished);
            }
        }

        await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.Metadata(run.TinyImage, VerifyReconciler.SbomConfigMapName("hello"), ChildMetadata.Labels(run.TinyImage, "sbom")),
        });
        var foreign = KanikoJobBuilder.BuildJob(run.Valid, run.Hash!, Options);
        foreign.Metadata.Name = "someone-elses-build";
        foreign.Metadata.OwnerReferences = null;
        await h.SeedAsync(h.Cluster.Jobs, h.Cluster.JobCache, foreign);
        h.Kube.Jobs.Complete(Namespace, foreign.Metadata.Name, Digest('f'));
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, foreign.Metadata.Name);
        return (run, builds);
    }

    private static List<string> Deleted(StepHarness h, string resource) =>
        [.. h.Kube.Requests.Where(r => r.Verb == "delete" && r.Resource == resource).Select(r => r.Name!).Order(StringComparer.Ordinal)];

    private static HistoryReconciler Step(StepHarness h) => new(h.Cluster, Options, NullLogger.Instance);
}
