using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The new version is reported only when it serves, and the workload runs what was verified. Rollouts run through
/// the emulator's Deployment and ReplicaSet controllers; the test plays the kubelet (readiness, crashes) and moves the
/// emulator's clock past the progress deadline.
/// </summary>
public sealed class RolloutTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_New_Digest_Is_Named_Serving_And_The_Phase_Ready_Only_When_No_Old_Pod_Is_Left()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        await ReadyWithAsync(h, Digest('a'));

        // A rebuild: the new digest is verified and the Deployment updated to it. The kubelet holds the new pod
        // not ready (its readiness probe does not pass yet), so the old pod keeps serving (maxSurge 1, maxUnavailable 0).
        var kubelet = h.Kube.Deployments.DefaultKubelet;
        kubelet.NeverReady(pod => pod.Image == Repository + "@" + Digest('b'));
        await RebuildAsync(h, Digest('b'));
        await h.WaitForPhaseAsync("hello", "Deploying");
        await Eventually.TrueAsync(() => Rollout(h) == (2, 1, 1), "one new pod beside the old one", () => DeploymentStatus(h));
        await PassesAsync(h, 2);
        Assert.Equal((2, 1, 1), Rollout(h));
        Assert.Equal("Deploying", h.Phase("hello"));
        Assert.Equal("True", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(Digest('a'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal(Digest('b'), (string?)h.TinyImage("hello")!["status"]!["image"]!["digest"]);

        // The new pod's probe passes: the controller scales the old ReplicaSet down, no old pod is left, the new digest serves.
        kubelet.NeverReady(_ => false);
        var pod = h.Kube.Deployments.PodsOf(Namespace, "hello").Single(p => (string?)p["spec"]!["containers"]![0]!["image"] == Repository + "@" + Digest('b'));
        kubelet.SetReady(Namespace, (string)pod["metadata"]!["name"]!, ready: true);
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal((1, 1, 1), Rollout(h));
        Assert.Equal(Digest('b'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal("False", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Deployed")?["status"]);
    }

    [Fact]
    public async Task A_Rollout_Past_Its_Progress_Deadline_Stalls_With_The_Deployments_Reason_While_The_Old_Digest_Serves()
    {
        var clock = new FakeTimeProvider(Start);
        await using var h = await StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        await ReadyWithAsync(h, Digest('a'));

        // The new image crash-loops: the old pod keeps serving while the new one waits in CrashLoopBackOff.
        h.Kube.Deployments.DefaultKubelet.CrashWhen(pod => pod.Image == Repository + "@" + Digest('c'), exitCode: 101);
        await RebuildAsync(h, Digest('c'));
        await Eventually.TrueAsync(() => Rollout(h) == (2, 1, 1), "the crash-looping pod beside the old one", () => DeploymentStatus(h));
        await h.WaitForPhaseAsync("hello", "Deploying");

        // The Deployment controller's clock passes progressDeadlineSeconds (600, the default): Progressing times out.
        var rs = (string)h.Kube.Deployments.ReplicaSetsOf(Namespace, "hello")
            .Single(r => (string?)r["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] == Repository + "@" + Digest('c'))["metadata"]!["name"]!;
        var message = "ReplicaSet \"" + rs + "\" has timed out progressing.";
        clock.Advance(TimeSpan.FromSeconds(590));
        await Eventually.TrueAsync(
            () =>
            {
                if (ProgressingReason(h) == "ProgressDeadlineExceeded")
                {
                    return true;
                }

                if (clock.GetUtcNow() < Start.AddMinutes(20))
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                }

                return false;
            },
            "Progressing ProgressDeadlineExceeded",
            () => DeploymentStatus(h));
        await h.WaitForPhaseAsync("hello", "Failed");

        var stalled = h.Condition("hello", "Stalled")!;
        Assert.Equal(("True", "ProgressDeadlineExceeded"), ((string?)stalled["status"], (string?)stalled["reason"]));
        Assert.Contains(message, (string?)stalled["message"]);
        var deployed = h.Condition("hello", "Deployed")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded", message), ((string?)deployed["status"], (string?)deployed["reason"], (string?)deployed["message"]));
        Assert.Equal("False", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(Digest('a'), Serving(h)?["digest"]?.GetValue<string>());
        Assert.Equal(Repository + "@" + Digest('c'), h.DeployedImage("hello"));
        Assert.Equal((2, 1, 1), Rollout(h));
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

    /// <summary>The Deployment controller's replicas, updatedReplicas and availableReplicas, once it observed the current generation.</summary>
    private static (int Replicas, int Updated, int Available)? Rollout(OperatorHarness h)
    {
        var deployment = h.Object("apps/v1", "deployments", "hello");
        var status = deployment?["status"];
        if (status is null || (long?)status["observedGeneration"] != (long?)deployment!["metadata"]!["generation"])
        {
            return null;
        }

        return ((int?)status["replicas"] ?? 0, (int?)status["updatedReplicas"] ?? 0, (int?)status["availableReplicas"] ?? 0);
    }

    private static string? ProgressingReason(OperatorHarness h) =>
        (string?)h.Object("apps/v1", "deployments", "hello")?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Progressing")?["reason"];

    private static string DeploymentStatus(OperatorHarness h) => h.Object("apps/v1", "deployments", "hello")?["status"]?.ToJsonString() ?? "no Deployment";

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
