using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using C = TinyImage.Api.V1Alpha1.Conditions;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// Issue 17, eighth round: the patcher compares a draft with a status the operator wrote by the hash of the JSON it sent,
/// and with any other status by that status's JSON. Either way an equal status is not written and a changed one is.
/// </summary>
public sealed class StatusPatcherTests
{
    private static TinyImageStatus Status(string phase, string message) => new()
    {
        ObservedGeneration = 1,
        Phase = phase,
        Conditions = [new V1Condition { Type = C.Ready, Status = C.False, Reason = "Building", Message = message, ObservedGeneration = 1, LastTransitionTime = StepHarness.Now.UtcDateTime }],
        Build = new BuildStatus { JobName = "hello-build", SpecHash = "abc", StartTime = StepHarness.Now.UtcDateTime },
    };

    [Fact]
    public async Task The_Next_Pass_Over_The_Operators_Own_Write_Writes_Only_A_Changed_Status()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        var tinyImage = await harness.CreateTinyImageAsync();
        var recent = new RecentWrites<TinyImageResource>();
        var first = new StatusPatcher(harness.Cluster.TinyImages, recent, tinyImage);
        Assert.True(await first.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        var writes = harness.Writes("tinyimages");

        // The next pass reads the written object (the cache takes it for its watch event) and drafts on a copy of it.
        var next = new StatusPatcher(harness.Cluster.TinyImages, recent, first.Current);
        Assert.True(await next.WriteIfChangedAsync(StatusCopy.Of(first.Current.Status!), StepHarness.Token));
        Assert.True(await next.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        Assert.Equal(writes, harness.Writes("tinyimages"));

        Assert.True(await next.WriteIfChangedAsync(Status(Phases.Building, "building, step 2"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
        var stored = harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello").Body["status"]!;
        Assert.Equal("building, step 2", (string?)stored["conditions"]![0]!["message"]);
    }

    [Fact]
    public async Task A_Status_Someone_Else_Wrote_Is_Compared_By_Its_Json()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        await harness.CreateTinyImageAsync();
        var draft = Status(Phases.Building, "building");
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(StatusCopy.Of(draft), TinyImage.Api.ApiJson.TypeInfo<TinyImageStatus>()))!.AsObject();
        Assert.True(harness.Kube.MutateStatus("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello", o => o["status"] = json.DeepClone()).IsSuccess);
        var read = (await harness.Cluster.TinyImages.GetAsync(StepHarness.Namespace, "hello", StepHarness.Token))!;
        var writes = harness.Writes("tinyimages");

        var patcher = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), read);
        Assert.True(await patcher.WriteIfChangedAsync(StatusCopy.Of(draft), StepHarness.Token));
        Assert.Equal(writes, harness.Writes("tinyimages"));

        Assert.True(await patcher.WriteIfChangedAsync(Status(Phases.Failed, "building"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
    }

    [Fact]
    public async Task A_Status_Someone_Else_Changed_After_The_Operators_Write_Is_Compared_By_Its_Own_Json()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        var tinyImage = await harness.CreateTinyImageAsync();
        var first = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), tinyImage);
        Assert.True(await first.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));

        // Someone else rewrites the status; the cache sees a new object (another instance, another status).
        Assert.True(harness.Kube.MutateStatus("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello", o => o["status"]!["phase"] = Phases.Failed).IsSuccess);
        var read = (await harness.Cluster.TinyImages.GetAsync(StepHarness.Namespace, "hello", StepHarness.Token))!;
        var writes = harness.Writes("tinyimages");

        // The operator's draft equals its own earlier write, not what is stored now: it is written back.
        var patcher = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), read);
        Assert.True(await patcher.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
        Assert.Equal(Phases.Building, (string?)harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello").Body["status"]!["phase"]);
    }
}
