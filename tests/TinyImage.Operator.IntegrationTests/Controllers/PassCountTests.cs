using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// How many reconcile passes a TinyImage costs: one for its creation and one per external event the operator must
/// see (its build Job finished, its verification finished in the pool, its Deployment rolled out), and none for the
/// operator's own status writes.
/// </summary>
public sealed class PassCountTests
{
    [Fact]
    public async Task From_Creation_To_Ready_Takes_One_Pass_Plus_One_Per_External_Event_And_None_For_Its_Own_Status_Writes()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();

        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");

        // Building and Ready (Verifying and Deploying too when they last): at least two writes of its own status, and
        // at most four passes: creation, the Job finished, the verification finished (it runs beside the reconcile
        // workers), the Deployment rolled out. Were a status write to wake a pass, the writes alone would make more.
        var passes = h.Passes.GetValueOrDefault("hello");
        var writes = h.StatusWrites("hello");
        Assert.True(writes >= 2, writes + " status writes");
        TestContext.Current.TestOutputHelper!.WriteLine(passes + " passes, " + writes + " writes");
        Assert.InRange(passes, 1, 4);
    }

    [Fact]
    public async Task A_Retry_Annotation_Wakes_One_Pass_That_Acknowledges_It_In_Status()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Null(h.TinyImage("hello")!["status"]!["lastHandledRetry"]);
        var before = h.Passes.GetValueOrDefault("hello");

        // The annotation is metadata a pass reads: it wakes a pass, which records the token it handled (as Flux's
        // lastHandledReconcileAt) and runs the build again, a successful one too, once.
        h.Annotate("hello", "tinyimage.dev/retry", "2026-12-02T01:00:00Z");
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["lastHandledRetry"] == "2026-12-02T01:00:00Z", "status.lastHandledRetry", () => h.TinyImage("hello")!["status"]!.ToJsonString());
        await Eventually.TrueAsync(() => h.Passes.GetValueOrDefault("hello") > before, "a pass counted");
        await Eventually.TrueAsync(() => h.JobCreates() == 2 && h.Phase("hello") == "Ready", "the build run again and Ready");
        Assert.Equal("Retry", (string?)h.TinyImage("hello")!["status"]!["build"]!["reason"]);
        Assert.Equal(2, h.JobCreates());
    }
}
