using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>Why and what was built (status.build reason and history), and a rollback by spec.deploy.pinDigest.</summary>
public sealed class BuildProvenanceTests
{
    [Fact]
    public async Task A_Rollback_By_PinDigest_Serves_The_Old_Digest_Without_A_Build()
    {
        await using var h = await StartAsync();
        var builds = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest(Interlocked.Increment(ref builds) == 1 ? 'a' : 'b'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();

        // Step 1: the first build serves digest a.
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage("hello"));
        Assert.Equal("FirstBuild", (string?)h.TinyImage("hello")!["status"]!["build"]!["reason"]);

        // Step 2: a spec change builds digest b, which replaces it; the history holds both, newest first.
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["noDefaultFeatures"] = true });
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + Digest('b'), "digest b deployed");
        await h.WaitForPhaseAsync("hello", "Ready");
        var build = h.TinyImage("hello")!["status"]!["build"]!;
        Assert.Equal("SpecChanged", (string?)build["reason"]);
        Assert.Equal([Digest('b'), Digest('a')], build["history"]!.AsArray().Select(r => (string?)r!["digest"]));
        var creates = h.JobCreates();
        Assert.Equal(2, creates);

        // Step 3: a person pins digest a: it is served again, and nothing is built.
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject { ["pinDigest"] = Digest('a') });
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + Digest('a'), "digest a deployed again");
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Deployed")?["reason"] == "PinnedDigest", "Deployed says PinnedDigest", () => h.Condition("hello", "Deployed")?.ToJsonString() ?? "");
        Assert.Equal(creates, h.JobCreates());
        Assert.Equal(Digest('a'), (string?)h.TinyImage("hello")!["status"]!["serving"]!["digest"]);

        // Step 4: a pin to a digest never built is refused, and the workload stays.
        h.EditSpec("hello", spec => spec["deploy"]!["pinDigest"] = Digest('e'));
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Deployed")?["reason"] == "PinDigestNotInHistory", "Deployed says PinDigestNotInHistory");
        Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage("hello"));
        Assert.Equal(creates, h.JobCreates());
    }

    [Fact]
    public async Task The_Retry_Annotation_Runs_A_Succeeded_Build_Again_Once_With_Reason_Retry()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(1, h.JobCreates());

        h.Annotate("hello", "tinyimage.dev/retry", "again");
        await Eventually.TrueAsync(() => h.JobCreates() == 2, "a second build");
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["lastHandledRetry"] == "again" && h.Phase("hello") == "Ready", "the retry handled and Ready");
        Assert.Equal("Retry", (string?)h.TinyImage("hello")!["status"]!["build"]!["reason"]);
        await PassAsync(h);
        Assert.Equal(2, h.JobCreates());
    }

    /// <summary>Nudges the TinyImage (an unrelated annotation) and waits for the pass that follows.</summary>
    internal static async Task PassAsync(OperatorHarness h, string name = "hello")
    {
        var before = h.Passes.GetValueOrDefault(name);
        h.Annotate(name, "nudge", Guid.NewGuid().ToString("n"));
        await Eventually.TrueAsync(() => h.Passes.GetValueOrDefault(name) > before, "a reconcile pass");
    }
}
