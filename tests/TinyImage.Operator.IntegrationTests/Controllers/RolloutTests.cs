using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The new version is reported only when it serves, and the workload runs what was verified. Rollout states are
/// written through the emulator's storage (status subresource), as the Deployment controller would write them.
/// </summary>
public sealed class RolloutTests
{
    [Fact]
    public async Task A_New_Digest_Is_Named_Serving_And_The_Phase_Ready_Only_When_No_Old_Pod_Is_Left()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        await ReadyWithAsync(h, Digest('a'));

        // A rebuild: the new digest is verified and the Deployment updated to it.
        await RebuildAsync(h, Digest('b'));
        await h.WaitForPhaseAsync("hello", "Deploying");

        // The Deployment controller has one new pod available and one old pod left (maxSurge): not rolled out.
        SetRollout(h, replicas: 2, updated: 1, available: 2);
        await PassesAsync(h, 2);
        Assert.Equal("Deploying", h.Phase("hello"));
        Assert.Equal("True", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(Digest('a'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal(Digest('b'), (string?)h.TinyImage("hello")!["status"]!["image"]!["digest"]);

        // The old pod is gone: rolled out, the new digest serves.
        SetRollout(h, replicas: 1, updated: 1, available: 1);
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(Digest('b'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal("False", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Deployed")?["status"]);
    }

    [Fact]
    public async Task A_Rollout_Past_Its_Progress_Deadline_Stalls_With_The_Deployments_Reason_While_The_Old_Digest_Serves()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        await ReadyWithAsync(h, Digest('a'));
        await RebuildAsync(h, Digest('c'));

        // The new image crash-loops: the old pod keeps serving, the Deployment's Progressing condition times out.
        const string Message = "ReplicaSet \"hello-7c9d8f\" has timed out progressing.";
        SetRollout(h, replicas: 2, updated: 1, available: 1, progressing: ("False", "ProgressDeadlineExceeded", Message));
        await h.WaitForPhaseAsync("hello", "Failed");

        var stalled = h.Condition("hello", "Stalled")!;
        Assert.Equal(("True", "ProgressDeadlineExceeded"), ((string?)stalled["status"], (string?)stalled["reason"]));
        Assert.Contains(Message, (string?)stalled["message"]);
        var deployed = h.Condition("hello", "Deployed")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded", Message), ((string?)deployed["status"], (string?)deployed["reason"], (string?)deployed["message"]));
        Assert.Equal("False", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(Digest('a'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal(Repository + "@" + Digest('c'), h.DeployedImage("hello"));
    }

    [Fact]
    public async Task The_Deployment_Runs_The_Verified_Binary_Until_The_New_Specs_Image_Is_Verified()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        await ReadyWithAsync(h, Digest('a'));
        Assert.Equal("hello", Serving(h)?["binary"]?.GetValue<string>());

        // A new binary and args: until its image is verified, the Deployment runs what was verified with the old one.
        h.Verifier.Close();
        var first = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        h.EditSpec("hello", spec =>
        {
            spec["binary"] = "greeter";
            spec["deploy"] = new JsonObject { ["args"] = new JsonArray("--loud") };
        });
        h.Kube.Jobs.Complete(Namespace, await NewJobAsync(h, first), Digest('e'));
        await Eventually.TrueAsync(() => h.Phase("hello") == "Verifying", "phase Verifying", () => h.TinyImage("hello")!["status"]!.ToJsonString() + string.Join(",", h.Jobs().Select(j => j["metadata"]!["name"])));

        // The passes of Building and Verifying ran the deploy step: the Deployment kept what was verified.
        var container = Container(h)!;
        Assert.Equal(Repository + "@" + Digest('a'), (string?)container["image"]);
        Assert.Equal("/bin/hello", (string?)container["command"]?[0]);
        Assert.Null(container["args"]);
        Assert.Equal(("hello", Digest('a')), (Serving(h)?["binary"]?.GetValue<string>(), Serving(h)?["digest"]?.GetValue<string>()));

        // Verified: the new image runs the new binary with the new args, and status records that it serves.
        h.Verifier.Open();
        await Eventually.TrueAsync(() => h.Phase("hello") == "Ready" && Serving(h)?["digest"]?.GetValue<string>() == Digest('e'), "the new image serving");
        container = Container(h)!;
        Assert.Equal(Repository + "@" + Digest('e'), (string?)container["image"]);
        Assert.Equal("/bin/greeter", (string?)container["command"]?[0]);
        Assert.Equal("--loud", (string?)container["args"]?[0]);
        var serving = Serving(h)!;
        Assert.Equal(("greeter", "--loud", 3000), (serving["binary"]?.GetValue<string>(), serving["args"]?[0]?.GetValue<string>(), serving["containerPort"]?.GetValue<int>()));
        Assert.Equal("greeter", (string?)h.TinyImage("hello")!["status"]!["image"]!["binary"]);
    }

    private static async Task ReadyWithAsync(OperatorHarness h, string digest)
    {
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the build Job");
        h.Kube.Jobs.Complete(Namespace, (string)h.JobFor("hello")!["metadata"]!["name"]!, digest);
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + digest, "the Deployment of " + digest);
        if (!h.Kube.Deployments.AutoReady)
        {
            await h.WaitForPhaseAsync("hello", "Deploying");
            await PassesAsync(h, 1);
            Assert.Equal("Deploying", h.Phase("hello"));
            Assert.Null(Serving(h));
            h.Kube.Deployments.MarkAvailable(Namespace, "hello");
        }

        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(digest, Serving(h)?["digest"]?.GetValue<string>());
    }

    private static async Task RebuildAsync(OperatorHarness h, string digest)
    {
        var first = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray(digest[^1..] == "b" ? "fast" : "slow") });
        h.Kube.Jobs.Complete(Namespace, await NewJobAsync(h, first), digest);
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + digest, "the Deployment updated to " + digest);
        await PassesAsync(h, 1);
    }

    /// <summary>The name of the build Job other than <paramref name="previous"/>, once it exists.</summary>
    private static async Task<string> NewJobAsync(OperatorHarness h, string previous)
    {
        string? name = null;
        await Eventually.TrueAsync(
            () => (name = h.Jobs().Select(j => (string)j["metadata"]!["name"]!).FirstOrDefault(n => n.StartsWith("hello-build-", StringComparison.Ordinal) && n != previous)) is not null,
            "a new build Job");
        return name!;
    }

    /// <summary>Writes the Deployment's status as its controller would: generation observed, the given replica counts.</summary>
    private static void SetRollout(OperatorHarness h, int replicas, int updated, int available, (string Status, string Reason, string Message)? progressing = null)
    {
        var (status, reason, message) = progressing ?? ("True", "ReplicaSetUpdated", "ReplicaSet \"hello-7c9d8f\" is progressing.");
        var result = h.Kube.MutateStatus("apps/v1", "deployments", Namespace, "hello", d => d["status"] = new JsonObject
        {
            ["observedGeneration"] = d["metadata"]!["generation"]!.GetValue<long>(),
            ["replicas"] = replicas,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = available,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, replicas - available),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "Available", ["status"] = "True", ["reason"] = "MinimumReplicasAvailable", ["message"] = "Deployment has minimum availability." },
                new JsonObject { ["type"] = "Progressing", ["status"] = status, ["reason"] = reason, ["message"] = message }),
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static async Task PassesAsync(OperatorHarness h, int passes)
    {
        for (var i = 0; i < passes; i++)
        {
            var before = h.Kube.Requests.Count("get", "configmaps", Namespace);
            h.Annotate("hello", "nudge", Guid.NewGuid().ToString("n"));
            await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) > before, "a reconcile pass");
        }
    }

    private static JsonObject? Serving(OperatorHarness h) => h.TinyImage("hello")?["status"]?["serving"] as JsonObject;

    private static JsonObject? Container(OperatorHarness h) =>
        h.Object("apps/v1", "deployments", "hello")?["spec"]?["template"]?["spec"]?["containers"]?[0]?.AsObject();
}
