using TinyImage.KubeEmulator;
using TinyImage.Kube;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Operator.Reconciler;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Sources;

/// <summary>
/// A git-sourced TinyImage across an operator upgrade (issue 14 item 3), against the real git server over smart HTTP:
/// applied as the previous release stored it (build hash v1 over the branch, no commit, no status.build.inputs), it is
/// not rebuilt by the new release, which resolves the branch and takes that commit as its baseline; a push to the
/// tracked branch then rebuilds it exactly once.
/// </summary>
public sealed class GitUpgradeWithoutRebuildTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Git_TinyImage_Stored_By_The_Previous_Release_Is_Not_Rebuilt_After_The_Upgrade_And_A_Push_Rebuilds_It_Once()
    {
        await using var git = await GitHttpServer.StartAsync(basicAuth: false, Ct);
        Assert.SkipWhen(git.SkipReason is not null, git.SkipReason ?? "");
        await using var h = await StartAsync();
        var built = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest(Interlocked.Increment(ref built) == 1 ? 'a' : 'b') + "\n");
        h.Kube.Deployments.AutoReady = true;

        // Step 1: what the previous release left: the TinyImage, its build (hash over the branch), workload and status.
        GitSourceTests.CreateGitTinyImage(h, "hello", git, pollIntervalSeconds: 1);
        using var connection = new KubeConnection(h.Kube.CreateHttpClient(), h.Kube.BaseAddress);
        var hash = await UpgradeWithoutRebuildTests.StoreAsPreviousReleaseAsync(h, new ClusterView(connection), "hello", sourceDigest: null);
        await Eventually.TrueAsync(() => h.Jobs().All(j => j["status"]?["succeeded"] is not null), "the previous release's Job completes");
        h.Kube.Requests.Clear();

        // Step 2: the new release resolves the branch, records its commit as the build's baseline, and builds nothing.
        h.StartOperator(configure: s => s with { GitResolver = GitSourceTests.Resolver(git), GitPollMinimum = TimeSpan.FromMilliseconds(500) });
        await Eventually.TrueAsync(
            () => h.TinyImage("hello")?["status"]?["build"] is { } build && build["inputs"] is not null && (string?)build["commit"] == git.FirstCommit,
            "the upgraded build records its inputs and the branch's commit",
            () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        var polls = git.RefAdvertisements;
        await Eventually.TrueAsync(() => git.RefAdvertisements >= polls + 2, "two more polls");
        await BuildProvenanceTests.PassAsync(h);
        Assert.Equal(0, h.JobCreates());
        Assert.Empty(h.Verifier.Requests);
        Assert.Equal(("Ready", hash), (h.Phase("hello"), (string?)h.TinyImage("hello")!["status"]!["build"]!["specHash"]));
        Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage("hello"));

        // Step 3: a push to the tracked branch rebuilds once, at the new commit, saying why.
        var second = await git.CommitAsync("after the upgrade", Ct);
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + Digest('b') && h.Phase("hello") == "Ready", "the pushed commit's image serving", () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        var status = h.TinyImage("hello")!["status"]!["build"]!;
        Assert.Equal((second, "NewCommit"), ((string?)status["commit"], (string?)status["reason"]));
        polls = git.RefAdvertisements;
        await Eventually.TrueAsync(() => git.RefAdvertisements >= polls + 2, "two more polls");
        Assert.Equal(1, h.JobCreates());
    }
}
