using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class BuildReconcilerTests
{
    [Fact]
    public async Task Without_A_Build_It_Creates_The_Containerfile_And_The_Job_Owned_By_The_TinyImage_And_Waits()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);

        var result = await Step(h).ReconcileAsync(run, Token);

        var name = ChildMetadata.BuildName("hello", run.Hash!);
        Assert.Equal((StepAction.Wait, Conditions.ReasonBuilding, StepResult.Recheck), (result.Action, result.Reason, result.RequeueAfter));
        var job = await h.Cluster.Jobs.GetAsync(Namespace, name, Token);
        Assert.Equal(tinyImage.Metadata.Uid, Owners.ControllerOf(job!)?.Uid);
        Assert.Equal(tinyImage.Metadata.Uid, Owners.ControllerOf((await h.Cluster.ConfigMaps.GetAsync(Namespace, name, Token))!)?.Uid);
        Assert.Equal((Conditions.Unknown, Conditions.ReasonBuilding), Condition(run, Conditions.Built));
        Assert.Equal((name, run.Hash), (run.Status.Build!.JobName, run.Status.Build.SpecHash));
        Assert.Equal(1, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task Starting_A_Build_Is_Logged_At_Debug_Not_Information()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var logger = new RecordingLogger();

        await new BuildReconciler(h.Cluster, new BuildPods(h.Cluster, NullLogger.Instance), Options, logger).ReconcileAsync(run, Token);

        // The "is now Building" line and the Building Event say it: one Information line per state change (issue 17).
        var name = ChildMetadata.BuildName("hello", run.Hash!);
        Assert.Contains((Microsoft.Extensions.Logging.LogLevel.Debug, "Started build demo/" + name), logger.Lines);
        Assert.DoesNotContain(logger.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Information);
    }

    [Fact]
    public async Task A_Second_Pass_Over_A_Running_Build_Writes_Nothing()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
        await h.SyncAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, name);
        var writes = h.Writes();

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Wait, result.Action);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task A_Pass_Whose_Cache_Has_Not_Seen_The_Job_It_Created_Follows_That_Job_Instead_Of_Creating_Another()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        var step = Step(h);
        await step.ReconcileAsync(run, Token);
        var writes = h.Writes();
        Assert.Equal(1, step.HeldCreatedJobs);

        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await step.ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonBuilding), (result.Action, result.Reason));
        Assert.Contains("is running", result.Message, StringComparison.Ordinal);
        Assert.Equal(writes, h.Writes());
        Assert.Equal(1, h.Kube.Requests.Count("get", "jobs"));
        Assert.Single(h.Kube.List("batch/v1", "jobs", Namespace));

        // Once the cache shows the Job, nothing is held for it and the passes ask the API server nothing about it.
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, run.Status.Build!.JobName!);
        var third = await h.PassAsync(tinyImage, again.Status);
        h.Kube.Requests.Clear();
        await step.ReconcileAsync(third, Token);
        Assert.Equal(0, step.HeldCreatedJobs);
        Assert.Equal(0, h.Kube.Requests.Count("get", "jobs"));
    }

    [Fact]
    public async Task The_First_Build_Of_A_TinyImage_Creates_Its_Job_Without_Reading_It_First()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        h.Kube.Requests.Clear();

        await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(1, h.Kube.Requests.Count("create", "jobs"));
        Assert.Equal(0, h.Kube.Requests.Count("get", "jobs"));
    }

    [Fact]
    public async Task A_Restarted_Operator_Whose_Cache_Lacks_Its_Own_Job_Adopts_It_Through_The_Creates_Conflict()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var job = h.Kube.List("batch/v1", "jobs", Namespace).Single();

        // Another process (a restart, a new leader) whose cache has not seen the Job: no record of having created it.
        var again = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonBuilding), (result.Action, result.Reason));
        Assert.Contains("adopting build Job " + run.Status.Build!.JobName, result.Message, StringComparison.Ordinal);
        var after = h.Kube.List("batch/v1", "jobs", Namespace).Single();
        Assert.Equal((string?)job["metadata"]!["uid"], (string?)after["metadata"]!["uid"]);
        Assert.Equal((string?)job["metadata"]!["resourceVersion"], (string?)after["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task A_Succeeded_Job_Continues_With_Its_Digest_And_A_Recorded_Success_Is_Never_Rebuilt()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Complete(Namespace, name, Digest('a'));
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);

        var done = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(done, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        Assert.Equal(Digest('a'), done.BuiltDigest);
        Assert.Equal(Digest('a'), done.Status.Build!.Digest);
        Assert.Equal((Conditions.True, Conditions.ReasonBuildSucceeded), Condition(done, Conditions.Built));

        // The Job goes (its TTL): the recorded success stands, nothing is built again.
        await h.DeleteJobAsync(name);
        var writes = h.Writes();
        var later = await h.PassAsync(tinyImage, done.Status);
        var again = await Step(h).ReconcileAsync(later, Token);

        Assert.Equal(StepAction.Continue, again.Action);
        Assert.Equal(Digest('a'), later.BuiltDigest);
        Assert.Equal(writes, h.Writes());
    }

    [Fact]
    public async Task The_Passes_Before_Status_Records_A_Finished_Build_Read_Its_Digest_From_Its_Pods_Once()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        var step = Step(h);
        await step.ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Complete(Namespace, name, Digest('a'));
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
        var key = new ObjectKey(Namespace, "hello");

        // Status keeps what the first pass read (its write waited): the passes after it did list the pods again each.
        foreach (var _ in Enumerable.Range(0, 3))
        {
            var pass = await h.PassAsync(tinyImage, run.Status);
            Assert.Equal(StepAction.Continue, (await step.ReconcileAsync(pass, Token)).Action);
            Assert.Equal(Digest('a'), pass.BuiltDigest);
        }

        Assert.Equal(1, h.Kube.Requests.Count("list", "pods"));
        Assert.Equal(1, step.HeldDigests);

        // Held only until the informer shows status recording that digest, or the TinyImage gone.
        step.Observe(key, new BuildStatus { Digest = Digest('b') }, gone: false);
        Assert.Equal(1, step.HeldDigests);
        step.Observe(key, new BuildStatus { Digest = Digest('a') }, gone: false);
        Assert.Equal(0, step.HeldDigests);
        var after = await h.PassAsync(tinyImage, run.Status);
        await step.ReconcileAsync(after, Token);
        Assert.Equal(2, h.Kube.Requests.Count("list", "pods"));
        Assert.Equal(1, step.HeldDigests);
        step.Observe(key, null, gone: true);
        Assert.Equal(0, step.HeldDigests);
    }

    [Fact]
    public async Task A_Changed_Retry_Annotation_Runs_A_Succeeded_Build_Again_With_Reason_Retry()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Complete(Namespace, name, Digest('a'));
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
        var done = await h.PassAsync(tinyImage, run.Status);
        await Step(h).ReconcileAsync(done, Token);
        await h.DeleteJobAsync(name);
        Assert.Equal(BuildReasons.FirstBuild, done.Status.Build!.Reason);

        var retried = await h.AnnotateAsync("hello", Annotations.Retry, "1");
        var later = await h.PassAsync(retried, done.Status);
        var again = await Step(h).ReconcileAsync(later, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonBuilding), (again.Action, again.Reason));
        Assert.Null(later.BuiltDigest);
        Assert.Equal((BuildReasons.Retry, "1", (string?)null), (later.Status.Build!.Reason, later.Status.Build.Retry, later.Status.Build.Digest));
        Assert.Equal(2, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task A_Failed_Job_Fails_With_Its_Log_Tail_And_The_Recorded_Failure_Outlives_The_Job()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Fail(Namespace, name, logTail: "Compiling hello\nerror[E0425]: cannot find value `x`\n");
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);

        var failed = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(failed, Token);

        Assert.Equal((StepAction.Fail, Conditions.ReasonBuildFailed), (result.Action, result.Reason));
        Assert.Contains("cannot find value", result.Message, StringComparison.Ordinal);
        Assert.Contains("cannot find value", failed.Status.Build!.LogTail, StringComparison.Ordinal);
        Assert.Equal((Conditions.False, Conditions.ReasonBuildFailed), Condition(failed, Conditions.Built));

        await h.DeleteJobAsync(name);
        var writes = h.Writes();
        var gets = h.Kube.Requests.Count("get", "jobs");
        var later = await h.PassAsync(tinyImage, failed.Status);
        var again = await Step(h).ReconcileAsync(later, Token);

        Assert.Equal((StepAction.Fail, Conditions.ReasonBuildFailed, result.Message), (again.Action, again.Reason, again.Message));
        Assert.Equal(writes, h.Writes());
        Assert.Equal(0, h.Kube.Requests.Count("get", "jobs") - gets);
    }

    [Fact]
    public async Task A_Changed_Retry_Annotation_Deletes_The_Failed_Job_And_Builds_Again_Under_The_New_Token()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Fail(Namespace, name, logTail: "error\n");
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);
        var failed = await h.PassAsync(tinyImage, run.Status);
        await Step(h).ReconcileAsync(failed, Token);

        var retried = await h.AnnotateAsync("hello", Annotations.Retry, "try-2");
        var deleting = await h.PassAsync(retried, failed.Status);
        var first = await Step(h).ReconcileAsync(deleting, Token);

        Assert.Equal(StepAction.Wait, first.Action);
        Assert.Equal(1, h.Kube.Requests.Count("delete", "jobs"));
        Assert.Null(await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name));

        var rebuilding = await h.PassAsync(retried, deleting.Status);
        var second = await Step(h).ReconcileAsync(rebuilding, Token);

        Assert.Equal(StepAction.Wait, second.Action);
        var job = await h.Cluster.Jobs.GetAsync(Namespace, name, Token);
        Assert.Equal("try-2", job!.Metadata.Annotations[Annotations.Retry]);
        Assert.Equal("try-2", rebuilding.Status.Build!.Retry);
        Assert.Null(rebuilding.Status.Build.FailureReason);
        Assert.Equal(2, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task A_Succeeded_Job_Without_A_Sha256_Digest_Fails_With_InvalidDigest()
    {
        await using var h = await StartAsync();
        var (tinyImage, run) = await SetUpAsync(h);
        await Step(h).ReconcileAsync(run, Token);
        var name = run.Status.Build!.JobName!;
        h.Kube.Jobs.Complete(Namespace, name, "pushed, I think");
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, name);

        var done = await h.PassAsync(tinyImage, run.Status);
        var result = await Step(h).ReconcileAsync(done, Token);

        Assert.Equal((StepAction.Fail, Conditions.ReasonInvalidDigest), (result.Action, result.Reason));
        Assert.Contains("pushed, I think", result.Message, StringComparison.Ordinal);
        Assert.Null(done.BuiltDigest);
    }

    [Fact]
    public async Task A_Build_Job_Name_Held_By_A_Job_Not_Controlled_By_The_TinyImage_Stops_With_ChildConflict_And_Is_Left_Alone()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var foreign = KanikoJobBuilder.BuildJob(run.Valid, run.Hash!, Options);
        foreign.Metadata.OwnerReferences = null;
        Assert.True((await h.Cluster.Jobs.CreateAsync(foreign, Token)).IsOk);
        var before = h.Kube.List("batch/v1", "jobs", Namespace).Single();
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        // The cache sees only the operator's Jobs: the create finds the name taken (409) and the read says whose it is.
        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Contains("Job " + Namespace + "/" + foreign.Metadata.Name, result.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Writes("jobs") - h.Kube.Requests.Count("create", "jobs"));
        var after = h.Kube.List("batch/v1", "jobs", Namespace).Single();
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task A_Containerfile_ConfigMap_Name_Held_By_Another_Owner_Stops_With_ChildConflict_Before_Any_Job()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var name = ChildMetadata.BuildName("hello", run.Hash!);
        await h.SeedAsync(h.Cluster.ConfigMaps, h.Cluster.ConfigMapCache, ForeignConfigMap(name));
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Equal(0, h.Writes("configmaps") + h.Writes("jobs"));
        Assert.Equal("yes", (await h.Cluster.ConfigMaps.GetAsync(Namespace, name, Token))!.Data["mine"]);
    }

    [Fact]
    public async Task A_New_Build_Writes_Its_NetworkPolicy_Before_The_ConfigMap_And_The_Job()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Wait, result.Action);
        var creates = h.Kube.Requests.All.Where(r => r.Verb == "create" && r.StatusCode == 201).Select(r => r.Resource).ToList();
        Assert.Equal(["networkpolicies", "configmaps", "jobs"], creates);
        var policy = (await h.Cluster.NetworkPolicies.GetAsync(Namespace, "hello-build", Token))!;
        Assert.Equal(run.Uid, policy.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
    }

    [Fact]
    public async Task A_NetworkPolicy_Under_The_Build_Policy_Name_Held_By_Another_Owner_Stops_With_ChildConflict_And_Builds_Nothing()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        var permissive = h.Kube.Create("networking.k8s.io/v1", "networkpolicies", System.Text.Json.Nodes.JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"hello-build","namespace":"demo"},
             "spec":{"podSelector":{},"egress":[{}]}}
            """)!.AsObject());
        Assert.True(permissive.IsSuccess, permissive.Body.ToJsonString());
        h.Kube.Requests.Clear();

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Stop, Conditions.ReasonChildConflict), (result.Action, result.Reason));
        Assert.Equal("NetworkPolicy demo/hello-build exists and is not controlled by this TinyImage", result.Message);
        Assert.DoesNotContain(h.Kube.Requests.All, r => r.IsWrite && r.StatusCode < 300);
        Assert.Null((await h.Cluster.NetworkPolicies.GetAsync(Namespace, "hello-build", Token))!.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task With_The_NetworkPolicy_Turned_Off_No_NetworkPolicy_Is_Read_Or_Written()
    {
        await using var h = await StartAsync();
        var (_, run) = await SetUpAsync(h);
        h.Kube.Requests.Clear();

        await new BuildReconciler(h.Cluster, new BuildPods(h.Cluster, NullLogger.Instance), Options with { BuildNetworkPolicy = false }, NullLogger.Instance).ReconcileAsync(run, Token);

        Assert.DoesNotContain(h.Kube.Requests.All, r => r.Resource == "networkpolicies");
        Assert.Equal(1, h.Writes("jobs"));
    }

    private static async Task<(TinyImageResource TinyImage, Reconciliation Run)> SetUpAsync(StepHarness h)
    {
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        return (tinyImage, await h.PassAsync(tinyImage));
    }

    private static BuildReconciler Step(StepHarness h) =>
        new(h.Cluster, new BuildPods(h.Cluster, NullLogger.Instance), Options, NullLogger.Instance);

    private static (string? Status, string? Reason) Condition(Reconciliation run, string type) =>
        ConditionSet.Find(run.Status.Conditions, type) is { } c ? (c.Status, c.Reason) : (null, null);
}
