using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>spec.deploy.pinDigest: a rollback to a digest in status.build.history, without a build.</summary>
public sealed class PinDigestTests
{
    private const string OldHash = "0123456789";

    [Fact]
    public async Task A_Pin_To_A_Digest_In_The_History_Deploys_That_Digest_With_The_Binary_It_Was_Verified_With()
    {
        await using var h = await StartAsync();
        var run = await SetUpAsync(h, Digest('a'));

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal(StepAction.Wait, result.Action);
        var container = (await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token))!.Spec.Template.Spec.Containers[0];
        Assert.Equal(Repository + "@" + Digest('a'), container.Image);
        Assert.Equal("/bin/old-hello", container.Command[0]);
    }

    [Fact]
    public async Task A_Rolled_Out_Pin_Says_So_And_That_It_Wins_Over_A_Refused_Newer_Build()
    {
        await using var h = await StartAsync();
        var run = await SetUpAsync(h, Digest('a'));
        run.SetCondition(Conditions.SbomVerified, Conditions.False, "AdvisoryDenied", "RUSTSEC-2099-0001 in foo 1.0.0");
        await Step(h).ReconcileAsync(run, Token);
        RollOut(h);
        await h.SyncAsync(h.Cluster.Deployments, h.Cluster.DeploymentCache, "hello");
        await h.SyncAsync(h.Cluster.Services, h.Cluster.ServiceCache, "hello");

        var again = await PassAsync(h, run.Status);
        again.SetCondition(Conditions.SbomVerified, Conditions.False, "AdvisoryDenied", "RUSTSEC-2099-0001 in foo 1.0.0");
        var result = await Step(h).ReconcileAsync(again, Token);

        Assert.Equal(StepAction.Continue, result.Action);
        var deployed = ConditionSet.Find(again.Status.Conditions, Conditions.Deployed)!;
        Assert.Equal((Conditions.True, Conditions.ReasonPinnedDigest), (deployed.Status, deployed.Reason));
        Assert.Contains("pinned by spec.deploy.pinDigest", deployed.Message, StringComparison.Ordinal);
        Assert.Contains("AdvisoryDenied", deployed.Message, StringComparison.Ordinal);
        Assert.Equal(Digest('a'), again.Status.Serving!.Digest);
    }

    [Fact]
    public async Task A_Pin_To_A_Digest_Not_In_The_History_Fails_With_PinDigestNotInHistory_And_Writes_No_Deployment()
    {
        await using var h = await StartAsync();
        var run = await SetUpAsync(h, Digest('e'));

        var result = await Step(h).ReconcileAsync(run, Token);

        Assert.Equal((StepAction.Fail, Conditions.ReasonPinDigestNotInHistory), (result.Action, result.Reason));
        Assert.Contains(Digest('e'), result.Message, StringComparison.Ordinal);
        Assert.Equal(Conditions.ReasonPinDigestNotInHistory, ConditionSet.Find(run.Status.Conditions, Conditions.Deployed)!.Reason);
        Assert.Null(await h.Cluster.Deployments.GetAsync(Namespace, "hello", Token));
    }

    /// <summary>A TinyImage whose current build (digest b) is verified, with an older verified build (digest a) in its history.</summary>
    private static async Task<Reconciliation> SetUpAsync(StepHarness h, string pin)
    {
        h.CreateSource();
        var tinyImage = await h.CreateTinyImageAsync(edit: body => body["spec"]!["deploy"] = new JsonObject { ["pinDigest"] = pin });
        var hash = (await h.PassAsync(tinyImage)).Hash!;
        var status = new TinyImageStatus
        {
            Image = new ImageStatus { Reference = Repository + "@" + Digest('b'), Digest = Digest('b'), SpecHash = hash, Binary = "hello" },
            Build = new BuildStatus
            {
                SpecHash = hash,
                Digest = Digest('b'),
                History =
                [
                    new BuildRecord { Digest = Digest('b'), SpecHash = hash, Binary = "hello" },
                    new BuildRecord { Digest = Digest('a'), SpecHash = OldHash, Binary = "old-hello" },
                ],
            },
        };
        return await PassAsync(h, status);
    }

    private static async Task<Reconciliation> PassAsync(StepHarness h, TinyImageStatus status) =>
        await h.PassAsync(await h.ReadTinyImageAsync(), status);

    private static void RollOut(StepHarness h)
    {
        var written = h.Kube.MutateStatus("apps/v1", "deployments", Namespace, "hello", d =>
        {
            d["status"] = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = 1, ["updatedReplicas"] = 1, ["readyReplicas"] = 1, ["availableReplicas"] = 1 };
        });
        Assert.True(written.IsSuccess, written.Body.ToJsonString());
    }

    private static DeployReconciler Step(StepHarness h) => new(h.Cluster, Options, NullLogger.Instance);
}
