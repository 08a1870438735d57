using k8s.Models;
using TinyImage.Api.V1Alpha1;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Building;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Building;
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
        Assert.Empty(Deleted(h, "configmaps")); // this release's builds have none
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
        }

        h.Kube.Requests.Clear();
        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(0, h.Writes());
    }

    [Fact]
    public async Task The_Previous_Releases_Containerfile_ConfigMaps_Are_Deleted_Once_No_Running_Job_Mounts_Them_And_No_Other_ConfigMap_Is()
    {
        await using var h = await StartAsync();
        var (run, builds) = await SetUpAsync(h, previousRelease: true);

        // Someone else's ConfigMaps under build names: one names this TinyImage as its controller but lacks the
        // operator's labels, one carries them but is not controlled by this TinyImage.
        var unlabelled = PreviousReleaseBuild.ContainerfileConfigMap(run.Valid, new string('9', run.Hash!.Length), Options);
        unlabelled.Metadata.Labels = null;
        await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, unlabelled);
        var foreignOwner = PreviousReleaseBuild.ContainerfileConfigMap(run.Valid, new string('8', run.Hash!.Length), Options);
        foreignOwner.Metadata.OwnerReferences = null;
        await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, foreignOwner);
        h.Kube.Requests.Clear();

        await Step(h).ReconcileAsync(run, Token);

        // The finished builds' and the superseded build's go (its Job is deleted in the same pass); the running
        // current build still mounts its own.
        string[] gone = [builds["finished-1"], builds["finished-2"], builds["finished-3"], builds["running-old"]];
        Assert.Equal(gone.Order(StringComparer.Ordinal), Deleted(h, "configmaps"));
        Assert.NotNull(await h.Cluster.ConfigMaps.GetAsync(Namespace, builds["current"], Token));
        Assert.NotNull(await h.Cluster.ConfigMaps.GetAsync(Namespace, unlabelled.Metadata.Name, Token));
        Assert.NotNull(await h.Cluster.ConfigMaps.GetAsync(Namespace, foreignOwner.Metadata.Name, Token));
        Assert.NotNull(await h.Cluster.ConfigMaps.GetAsync(Namespace, "hello-sbom", Token));

        // Once the current build finished, its ConfigMap goes too, and nothing else.
        h.Kube.Jobs.Complete(Namespace, builds["current"], Digest('c'));
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, builds["current"]);
        foreach (var name in gone)
        {
            await h.SyncAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, name);
            await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
        }

        h.Kube.Requests.Clear();
        await Step(h).ReconcileAsync(run, Token);
        Assert.Equal([builds["current"]], Deleted(h, "configmaps"));
    }

    [Fact]
    public void Only_A_ConfigMap_Controlled_By_The_TinyImage_With_The_Operators_Build_Labels_And_Name_Counts_As_The_Previous_Releases()
    {
        var ti = Samples.Hello().Valid();
        var uid = ti.Resource.Metadata.Uid;
        var hash = new string('a', BuildHash.Length);
        Assert.True(HistoryReconciler.IsPreviousReleaseBuildConfigMap(PreviousReleaseBuild.ContainerfileConfigMap(ti, hash, Options), "hello", uid));

        var otherOwner = PreviousReleaseBuild.ContainerfileConfigMap(ti, hash, Options);
        otherOwner.Metadata.OwnerReferences[0].Uid = "another-uid";
        Assert.False(HistoryReconciler.IsPreviousReleaseBuildConfigMap(otherOwner, "hello", uid));

        foreach (var label in new[] { Annotations.ComponentLabel, Annotations.ManagedByLabel, Annotations.NameLabel, Annotations.BuildHashLabel })
        {
            var unlabelled = PreviousReleaseBuild.ContainerfileConfigMap(ti, hash, Options);
            unlabelled.Metadata.Labels.Remove(label);
            Assert.False(HistoryReconciler.IsPreviousReleaseBuildConfigMap(unlabelled, "hello", uid), "without " + label);
        }

        var renamed = PreviousReleaseBuild.ContainerfileConfigMap(ti, hash, Options);
        renamed.Metadata.Name = "hello-notes";
        Assert.False(HistoryReconciler.IsPreviousReleaseBuildConfigMap(renamed, "hello", uid));
    }

    /// <summary>
    /// The current build (running), three finished older builds (completed at 1, 2 and 3 o'clock), a superseded build
    /// still running (with <paramref name="previousRelease"/>: each as the previous release made it, with its
    /// Containerfile ConfigMap), the SBOM ConfigMap, and a finished Job no TinyImage controls.
    /// </summary>
    private static async Task<(Reconciliation Run, Dictionary<string, string> Builds)> SetUpAsync(StepHarness h, bool previousRelease = false)
    {
        h.CreateSource();
        var run = await h.PassAsync(await h.CreateTinyImageAsync());
        var builds = new Dictionary<string, string>();
        string[] kinds = ["current", "finished-1", "finished-2", "finished-3", "running-old"];
        foreach (var (kind, i) in kinds.Select((k, i) => (k, i)))
        {
            var hash = kind == "current" ? run.Hash! : new string((char)('a' + i), run.Hash!.Length);
            var job = previousRelease ? PreviousReleaseBuild.Job(run.Valid, hash, Options) : KanikoJobBuilder.BuildJob(run.Valid, hash, Options);
            builds[kind] = job.Metadata.Name;
            if (previousRelease)
            {
                await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, PreviousReleaseBuild.ContainerfileConfigMap(run.Valid, hash, Options));
            }

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
