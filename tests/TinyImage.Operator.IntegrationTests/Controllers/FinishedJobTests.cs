using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>Status records a build's outcome, so the finished Job going away (TTL, a person) changes nothing.</summary>
public sealed class FinishedJobTests
{
    private const string Hold = "test.tinyimage.dev/hold";

    [Fact]
    public async Task A_Finished_Job_Deleted_In_Foreground_Leaves_A_Ready_TinyImage_Ready_Without_Verifying_Again_Or_An_Event()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => Events(h).Any(e => (string?)e["action"] == "Ready"), "the Ready event");
        var jobName = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        var verifications = h.Verifier.Requests.Count;
        var events = Events(h).Count;
        h.Kube.Requests.Clear();

        // The TTL controller deletes in foreground: the Job has a deletionTimestamp while its pods go (a finalizer
        // here holds it in that state, as a slow pod deletion would).
        Assert.True(h.Kube.Mutate("batch/v1", "jobs", Namespace, jobName, j => j["metadata"]!["finalizers"] = new JsonArray(Hold)).IsSuccess);
        Assert.True(h.Kube.Delete("batch/v1", "jobs", Namespace, jobName, new DeleteOptions("Foreground")).IsSuccess);
        await Eventually.TrueAsync(() => h.Kube.Jobs.PodsOf(Namespace, jobName).Count == 0, "the Job's pods deleted");
        await PassesAsync(h, 3);
        Assert.NotNull(h.Object("batch/v1", "jobs", jobName)?["metadata"]?["deletionTimestamp"]);
        AssertUntouched(h, verifications, events);

        // The Job goes for good.
        Assert.True(h.Kube.Mutate("batch/v1", "jobs", Namespace, jobName, j => j["metadata"]!["finalizers"] = new JsonArray()).IsSuccess);
        await Eventually.TrueAsync(() => h.Object("batch/v1", "jobs", jobName) is null, "the Job gone");
        await PassesAsync(h, 3);
        AssertUntouched(h, verifications, events);
        Assert.Equal(0, h.JobCreates()); // since the log was cleared: no build started again
    }

    [Fact]
    public async Task A_Finished_Job_A_Person_Deletes_Leaves_A_Ready_TinyImage_Ready()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('b'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => Events(h).Any(e => (string?)e["action"] == "Ready"), "the Ready event");
        var jobName = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        var (verifications, events) = (h.Verifier.Requests.Count, Events(h).Count);
        h.Kube.Requests.Clear();

        Assert.True(h.Kube.Delete("batch/v1", "jobs", Namespace, jobName, new DeleteOptions("Background")).IsSuccess);
        await PassesAsync(h, 3);
        AssertUntouched(h, verifications, events);
        Assert.Equal(0, h.JobCreates()); // since the log was cleared: no build started again
    }

    private static IReadOnlyList<JsonObject> Events(OperatorHarness h) => h.Kube.List("events.k8s.io/v1", "events", Namespace);

    /// <summary>Nudges the TinyImage (an unrelated annotation) and waits until the operator has made that many passes.</summary>
    private static async Task PassesAsync(OperatorHarness h, int passes)
    {
        for (var i = 0; i < passes; i++)
        {
            var before = h.Kube.Requests.Count("get", "configmaps", Namespace);
            h.Annotate("hello", "nudge", Guid.NewGuid().ToString("n"));
            await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) > before, "a reconcile pass");
        }
    }

    private static void AssertUntouched(OperatorHarness h, int verifications, int events)
    {
        Assert.Equal("Ready", h.Phase("hello"));
        Assert.Empty(h.Kube.Requests.Where(r => r.IsWrite && r.Resource == "tinyimages" && r.Subresource == "status"));
        Assert.Equal(verifications, h.Verifier.Requests.Count);
        Assert.Equal(events, Events(h).Count);
    }
}
