using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Building;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>The build step under a cap on concurrent builds: a build beyond it creates nothing and waits, in line.</summary>
public sealed class BuildQueueingStepTests
{
    [Fact]
    public async Task A_Build_Beyond_The_Cap_Creates_Nothing_Says_BuildQueued_And_Starts_Once_The_Running_Build_Finished()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        h.Cluster.JobCache.Upsert(OtherBuild(finished: false));
        var step = Step(h, new BuildCaps(1, 0));

        // Step 1: the one slot is taken: nothing is written, status says why and since when.
        var run = await h.PassAsync(tinyImage);
        var result = await step.ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Wait, Conditions.ReasonBuildQueued), (result.Action, result.Reason));
        Assert.Contains("cluster-wide cap of 1", result.Message, StringComparison.Ordinal);
        Assert.Equal(Now.UtcDateTime, run.Status.Build!.QueuedTime);
        Assert.Equal((Conditions.Unknown, Conditions.ReasonBuildQueued), (ConditionSet.Find(run.Status.Conditions, Conditions.Built)!.Status, ConditionSet.Find(run.Status.Conditions, Conditions.Built)!.Reason));
        Assert.Equal(0, h.Writes());

        // Step 2: a later pass keeps the time it began waiting (its place in line) and writes nothing.
        var again = await h.PassAsync(tinyImage, run.Status);
        await step.ReconcileAsync(again, Token);
        Assert.Equal(run.Status.Build.QueuedTime, again.Status.Build!.QueuedTime);
        Assert.Equal(0, h.Writes());

        // Step 3: the running build finishes: the next pass creates the Job and leaves the line.
        h.Cluster.JobCache.Upsert(OtherBuild(finished: true));
        var started = await h.PassAsync(tinyImage, again.Status);
        var startedResult = await step.ReconcileAsync(started, Token);
        Assert.Equal((StepAction.Wait, Conditions.ReasonBuilding), (startedResult.Action, startedResult.Reason));
        Assert.Null(started.Status.Build!.QueuedTime);
        Assert.Equal(1, h.Kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task A_Waiting_Build_Whose_Job_Exists_Or_Whose_Pass_Stopped_Leaves_The_Line()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync();
        var step = Step(h, new BuildCaps(1, 0));
        var first = await h.PassAsync(tinyImage);
        await step.ReconcileAsync(first, Token);
        await h.SyncAsync(h.Cluster.Jobs, h.Cluster.JobCache, first.Status.Build!.JobName!);

        // A status that still says it waits (written by a pass before another replica created its Job).
        first.Status.Build.QueuedTime = Now.UtcDateTime;
        var again = await h.PassAsync(tinyImage, first.Status);
        await step.ReconcileAsync(again, Token);
        Assert.Null(again.Status.Build!.QueuedTime);

        // A stopped pass (its inputs are wrong) does not keep a place in line it cannot use.
        again.Status.Build.QueuedTime = Now.UtcDateTime;
        step.Skip(again);
        Assert.Null(again.Status.Build.QueuedTime);
    }

    private static BuildReconciler Step(StepHarness h, BuildCaps caps) =>
        new(h.Cluster, new BuildPods(h.Cluster, NullLogger.Instance), Options with { BuildNetworkPolicy = false }, NullLogger.Instance, new BuildSlots(caps, h.Cluster, new ManualClock(Now)));

    /// <summary>Another TinyImage's build Job, as the Job cache holds it.</summary>
    private static V1Job OtherBuild(bool finished) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "other-build-0123456789",
            NamespaceProperty = Namespace,
            Labels = new Dictionary<string, string> { [Annotations.ComponentLabel] = ChildMetadata.ComponentBuild },
        },
        Status = new V1JobStatus { Conditions = finished ? [new V1JobCondition { Type = "Complete", Status = "True" }] : null },
    };
}
