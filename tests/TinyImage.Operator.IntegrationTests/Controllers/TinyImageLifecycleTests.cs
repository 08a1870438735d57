using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Building;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>The reconciler end to end against the API-server emulator, with its Job and Deployment stand-ins.</summary>
public sealed class TinyImageLifecycleTests
{
    [Fact]
    public async Task A_New_TinyImage_Goes_Through_Building_Verifying_Deploying_To_Ready()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Verifier.Close();
        h.CreateSource();
        h.StartOperator();

        // Building: the Kaniko Job for the hash exists and runs.
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Building");
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the build Job");
        var job = h.JobFor("hello")!;
        var jobName = (string)job["metadata"]!["name"]!;
        Assert.Equal("True", (string?)h.Condition("hello", "Reconciling")?["status"]);
        Assert.Equal("Unknown", (string?)h.Condition("hello", "Built")?["status"]);
        Assert.NotNull((string?)job["spec"]!["template"]!["metadata"]!["annotations"]![KanikoJobBuilder.ContainerfileAnnotation]);
        Assert.Null(h.Object("v1", "configmaps", jobName));

        // Verifying: Kaniko reported the digest in its termination message; the verifier holds.
        h.Kube.Jobs.Complete(Namespace, jobName, Digest('a') + "\n");
        await h.WaitForPhaseAsync("hello", "Verifying");
        Assert.Equal("True", (string?)h.Condition("hello", "Built")?["status"]);
        Assert.Null(h.Object("apps/v1", "deployments", "hello"));

        // Deploying: verified, the Deployment pins the digest, the Service exists, the SBOM is stored.
        h.Verifier.Open();
        await h.WaitForPhaseAsync("hello", "Deploying");
        Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage("hello"));
        Assert.NotNull(h.Object("v1", "services", "hello"));
        Assert.Contains(Digest('a'), (string?)h.Object("v1", "configmaps", "hello-sbom")?["data"]?["bom.cdx.json"]);
        // One verification per pass that needs its facts: a pass whose status write waits asks again (a cache hit in
        // the real verifier), always for the same image.
        var request = h.Verifier.Requests[0];
        Assert.All(h.Verifier.Requests, r => Assert.Equal((request.Repository, request.Digest, request.BinaryName), (r.Repository, r.Digest, r.BinaryName)));
        Assert.Equal((Repository, Digest('a'), "hello", true), (request.Repository, request.Digest, request.BinaryName, request.Insecure));
        Assert.Equal(4L * 1024 * 1024, request.Policy.MaxImageSizeBytes);
        Assert.Equal(["openssl-sys"], request.Policy.DenyPackages);

        // Ready once the Deployment has its available replicas.
        h.Kube.Deployments.MarkAvailable(Namespace, "hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        var ti = h.TinyImage("hello")!;
        Assert.Equal((long?)ti["metadata"]!["generation"], (long?)ti["status"]!["observedGeneration"]);
        Assert.Equal(Digest('a'), (string?)ti["status"]!["image"]!["digest"]);
        Assert.Equal("hello-sbom", (string?)ti["status"]!["sbom"]!["configMapName"]);
        foreach (var (type, status) in new[] { ("Ready", "True"), ("Reconciling", "False"), ("Stalled", "False"), ("Built", "True"), ("SbomVerified", "True"), ("Deployed", "True") })
        {
            Assert.Equal(status, (string?)h.Condition("hello", type)?["status"]);
        }

        await Eventually.TrueAsync(
            () => h.Kube.List("events.k8s.io/v1", "events", Namespace).Any(e => (string?)e["regarding"]?["name"] == "hello" && (string?)e["action"] == "Ready"),
            "an Event about hello becoming Ready");
        Assert.Equal(1, h.JobCreates());
    }

    [Fact]
    public async Task A_Failed_Build_Stalls_With_The_Log_Tail_Until_The_Retry_Annotation_Changes()
    {
        await using var h = await StartAsync();
        var log = string.Join('\n', Enumerable.Range(1, 40).Select(i => "step " + i)) + "\nerror[E0425]: cannot find value `x` in this scope";
        h.Kube.Jobs.Runner = JobRunners.FailWith("BackoffLimitExceeded", log);
        h.CreateSource();
        h.StartOperator();

        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Failed");

        var status = h.TinyImage("hello")!["status"]!;
        var tail = (string)status["build"]!["logTail"]!;
        Assert.EndsWith("error[E0425]: cannot find value `x` in this scope", tail);
        Assert.Equal(20, tail.Split('\n').Length);
        Assert.Equal("BuildFailed", (string?)h.Condition("hello", "Built")?["reason"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Stalled")?["status"]);
        Assert.Contains("error[E0425]", (string?)h.Condition("hello", "Stalled")?["message"]);
        Assert.Null(h.Object("apps/v1", "deployments", "hello"));
        await Eventually.TrueAsync(
            () => h.Kube.List("events.k8s.io/v1", "events", Namespace).Any(e => (string?)e["reason"] == "BuildFailed" && (string?)e["type"] == "Warning"),
            "a Warning Event BuildFailed");

        // Stalled means stalled: more passes (a resync's worth of events) start no new build.
        h.Annotate("hello", "unrelated", "1");
        await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) >= 3, "a few more passes");
        Assert.Equal(1, h.JobCreates());

        // A new retry value runs the build again, once.
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('b'));
        h.Kube.Deployments.AutoReady = true;
        h.Annotate("hello", "tinyimage.dev/retry", "1");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(2, h.JobCreates());
        Assert.Equal(Repository + "@" + Digest('b'), h.DeployedImage("hello"));
        Assert.Null((string?)h.TinyImage("hello")!["status"]!["build"]!["logTail"]);
    }

    [Fact]
    public async Task A_Refused_Image_Is_Never_Deployed_And_The_Verified_One_Keeps_Serving()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(j => j.Name.EndsWith('1') ? Digest('1') : Digest('2'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        var served = h.DeployedImage("hello");

        var digests = new[] { Digest('1'), Digest('2') };
        foreach (var digest in digests)
        {
            h.Verifier.Refuse(digest, VerificationReasons.PackageDenied, "openssl-sys 0.9.1 is denied");
        }

        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("tls") });
        await h.WaitForPhaseAsync("hello", "Failed");

        Assert.Equal("PackageDenied", (string?)h.Condition("hello", "SbomVerified")?["reason"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Stalled")?["status"]);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(served, h.DeployedImage("hello"));
    }

    [Fact]
    public async Task A_Spec_Change_During_A_Build_Replaces_The_Build_And_The_Old_Digest_Serves_Until_The_New_One_Is_Verified()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();

        // A spec change while the first build runs: a second build for the new hash, the first one deleted.
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the first build Job");
        var first = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("fast") });
        await Eventually.TrueAsync(() => h.JobFor("hello") is { } j && (string?)j["metadata"]!["name"] != first && h.Object("batch/v1", "jobs", first) is null, "the second build replaced the first");
        var second = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        h.Kube.Jobs.Complete(Namespace, second, Digest('b'));
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(Repository + "@" + Digest('b'), h.DeployedImage("hello"));

        // Another change: while it builds and verifies, the Deployment keeps the verified digest and Ready stays True.
        h.Verifier.Close();
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("faster") });
        await h.WaitForPhaseAsync("hello", "Building");
        Assert.Equal(Repository + "@" + Digest('b'), h.DeployedImage("hello"));
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        var third = (string)h.TinyImage("hello")!["status"]!["build"]!["jobName"]!;
        Assert.NotEqual(second, third);
        h.Kube.Jobs.Complete(Namespace, third, Digest('c'));
        await h.WaitForPhaseAsync("hello", "Verifying");
        Assert.Equal(Repository + "@" + Digest('b'), h.DeployedImage("hello"));
        h.Verifier.Open();
        await Eventually.TrueAsync(() => h.Phase("hello") == "Ready" && h.DeployedImage("hello") == Repository + "@" + Digest('c'), "the third digest serving");
        Assert.Equal(3, h.JobCreates());

        // History: with a limit of one finished build, the oldest finished Job is gone.
        await Eventually.TrueAsync(() => h.Jobs().Count == 2, "two build Jobs left (current and one of history)");
        Assert.Null(h.Object("batch/v1", "jobs", first));
    }

    [Fact]
    public async Task Deleting_A_TinyImage_Lets_The_Garbage_Collector_Remove_Every_Child()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('d'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        var jobName = (string)h.JobFor("hello")!["metadata"]!["name"]!;

        Assert.True(h.Kube.Delete("tinyimage.dev/v1alpha1", "tinyimages", Namespace, "hello").IsSuccess);

        await Eventually.TrueAsync(
            () => h.Object("apps/v1", "deployments", "hello") is null && h.Object("v1", "services", "hello") is null
                && h.Object("batch/v1", "jobs", jobName) is null
                && h.Object("v1", "configmaps", "hello-sbom") is null,
            "every child garbage-collected");
        Assert.NotNull(h.Object("v1", "configmaps", "hello-src")); // the user's source is not ours
    }

    [Fact]
    public async Task A_Missing_Source_Stalls_Without_A_Build_And_Recovers_When_It_Appears()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('e'));
        h.Kube.Deployments.AutoReady = true;
        h.StartOperator();

        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Stalled")?["reason"] == "SourceNotFound", "Stalled SourceNotFound");
        Assert.Equal(0, h.JobCreates());

        h.CreateSource();
        h.Annotate("hello", "nudge", "1"); // the source is not watched: an event on the TinyImage (or the 30 s recheck) picks it up
        await h.WaitForPhaseAsync("hello", "Ready");
    }
}
