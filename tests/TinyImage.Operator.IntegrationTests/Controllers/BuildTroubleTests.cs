using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// Builds that cannot start or die for a reason a person can act on say so within one pass. The Job controller's
/// FailedCreate Events and the kubelet's pod status are written through the emulator's storage, as those controllers
/// write them (messages as Kubernetes 1.35 words them).
/// </summary>
public sealed class BuildTroubleTests
{
    private const string PodSecurity = "Error creating: pods \"hello-build-x-7kq2p\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"kaniko\" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container \"kaniko\" must set securityContext.runAsNonRoot=true)";
    private const string NoServiceAccount = "Error creating: pods \"hello-build-x-7kq2p\" is forbidden: error looking up service account demo/builder: serviceaccount \"builder\" not found";
    private const string Quota = "Error creating: pods \"hello-build-x-7kq2p\" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi";

    [Theory]
    [InlineData(PodSecurity, "violates PodSecurity")]
    [InlineData(NoServiceAccount, "serviceaccount \"builder\" not found")]
    public async Task Pods_Refused_At_Admission_Fail_The_Build_With_The_Job_Controllers_Message_At_The_Next_Pass(string message, string expected)
    {
        await using var h = await StartAsync();
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        var job = await JobAsync(h);

        FailedCreate(h, job, message);
        Nudge(h); // a resync
        await h.WaitForPhaseAsync("hello", "Failed");

        var built = h.Condition("hello", "Built")!;
        Assert.Equal(("False", "BuildFailed"), ((string?)built["status"], (string?)built["reason"]));
        Assert.Contains(expected, (string?)built["message"]);
        Assert.Equal("BuildFailed", (string?)h.Condition("hello", "Stalled")?["reason"]);

        // A retry replaces the refused Job.
        var name = (string)job["metadata"]!["name"]!;
        var uid = (string)job["metadata"]!["uid"]!;
        h.Annotate("hello", "tinyimage.dev/retry", "1");
        await Eventually.TrueAsync(() => h.Object("batch/v1", "jobs", name) is { } j && (string?)j["metadata"]!["uid"] != uid, "a new build Job");
        await h.WaitForPhaseAsync("hello", "Building");
    }

    [Fact]
    public async Task A_Quota_Refusal_Keeps_The_Build_Reconciling_With_Its_Reason()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        var job = await JobAsync(h);

        FailedCreate(h, job, Quota);
        Nudge(h);
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Reconciling")?["reason"] == "BuildPodQuotaExceeded", "Reconciling BuildPodQuotaExceeded");
        Assert.Equal("Building", h.Phase("hello"));
        Assert.Contains("exceeded quota: compute", (string?)h.Condition("hello", "Reconciling")?["message"]);
        Assert.Equal("False", (string?)h.Condition("hello", "Stalled")?["status"]);
    }

    [Theory]
    [InlineData("Unschedulable", "BuildPodUnschedulable", "0/3 nodes are available: 3 Insufficient memory.")]
    [InlineData("ImagePullBackOff", "BuildImagePullFailed", "Back-off pulling image \"gcr.io/kaniko-project/executor:v9.9.9\"")]
    [InlineData("InitErrImagePull", "BuildImagePullFailed", "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/rust:0.0\"")]
    [InlineData("OOMKilled", "BuildOOMKilled", "exit code 137")]
    [InlineData("Evicted", "BuildEvicted", "The node was low on resource: memory.")]
    public async Task A_Stuck_Or_Killed_Build_Pod_Gives_A_Named_Reason_With_The_Pods_Message(string situation, string reason, string expected)
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.CreateSource();
        h.StartOperator();
        h.CreateTinyImage("hello");
        var job = await JobAsync(h);
        var jobName = (string)job["metadata"]!["name"]!;
        await Eventually.TrueAsync(() => h.Kube.Jobs.PodsOf(Namespace, jobName).Count == 1, "the build pod");
        var pod = (string)h.Kube.Jobs.PodsOf(Namespace, jobName)[0]["metadata"]!["name"]!;

        Assert.True(h.Kube.MutateStatus("v1", "pods", Namespace, pod, p => Apply(situation, p["status"]!.AsObject())).IsSuccess);
        Nudge(h);
        await Eventually.TrueAsync(() => (string?)h.Condition("hello", "Built")?["reason"] == reason, "Built " + reason, () => h.Condition("hello", "Built")?.ToJsonString() ?? "");
        Assert.Contains(expected, (string?)h.Condition("hello", "Built")?["message"]);
        Assert.Equal(("Building", "True", reason), (h.Phase("hello"), (string?)h.Condition("hello", "Reconciling")?["status"], (string?)h.Condition("hello", "Reconciling")?["reason"]));

        if (situation == "OOMKilled")
        {
            // The Job controller gives up (backoffLimit): the build failed, and says why the pod died.
            Assert.True(h.Kube.MutateStatus("batch/v1", "jobs", Namespace, jobName, j =>
            {
                var status = j["status"]!.AsObject();
                status.Remove("active");
                status["failed"] = 1;
                status["conditions"] = JsonNode.Parse("""
                    [{"type":"FailureTarget","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit","lastProbeTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z"},
                     {"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit","lastProbeTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z"}]
                    """);
            }).IsSuccess);
            await h.WaitForPhaseAsync("hello", "Failed");
            Assert.Equal("BuildOOMKilled", (string?)h.Condition("hello", "Stalled")?["reason"]);
            Assert.Contains("OOMKilled", (string?)h.Condition("hello", "Built")?["message"]);
        }
    }

    private static void Apply(string situation, JsonObject status)
    {
        switch (situation)
        {
            case "Unschedulable":
                status["phase"] = "Pending";
                status.Remove("containerStatuses");
                status["conditions"] = JsonNode.Parse("""[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.","lastTransitionTime":"2026-01-01T00:00:00Z"}]""");
                break;
            case "ImagePullBackOff":
                status["phase"] = "Pending";
                status["containerStatuses"]![0]!["state"] = JsonNode.Parse("""{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"gcr.io/kaniko-project/executor:v9.9.9\""}}""");
                break;
            case "InitErrImagePull":
                status["phase"] = "Pending";
                status["initContainerStatuses"] = JsonNode.Parse("""[{"name":"source","image":"docker.io/library/rust:0.0","imageID":"","ready":false,"restartCount":0,"started":false,"state":{"waiting":{"reason":"ErrImagePull","message":"rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/rust:0.0\""}}}]""");
                break;
            case "OOMKilled":
                status["containerStatuses"]![0]!["state"] = JsonNode.Parse("""{"terminated":{"exitCode":137,"reason":"OOMKilled","startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:01:00Z"}}""");
                break;
            case "Evicted":
                status["phase"] = "Failed";
                status["reason"] = "Evicted";
                status["message"] = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 12Mi. Container kaniko was using 1900Mi, request is 512Mi.";
                break;
        }
    }

    private static async Task<JsonObject> JobAsync(OperatorHarness h)
    {
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the build Job");
        await h.WaitForPhaseAsync("hello", "Building");
        return h.JobFor("hello")!;
    }

    /// <summary>A FailedCreate Warning Event as the Job controller records it (core/v1, involvedObject the Job).</summary>
    private static void FailedCreate(OperatorHarness h, JsonObject job, string message)
    {
        var name = (string)job["metadata"]!["name"]!;
        var result = h.Kube.Create("v1", "events", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name + ".1880a1b2c3d4e5f6", ["namespace"] = Namespace },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "Job",
                ["namespace"] = Namespace,
                ["name"] = name,
                ["uid"] = (string)job["metadata"]!["uid"]!,
                ["resourceVersion"] = (string)job["metadata"]!["resourceVersion"]!,
            },
            ["reason"] = "FailedCreate",
            ["message"] = message,
            ["type"] = "Warning",
            ["source"] = new JsonObject { ["component"] = "job-controller" },
            ["reportingComponent"] = "job-controller",
            ["firstTimestamp"] = "2026-01-01T00:00:00Z",
            ["lastTimestamp"] = "2026-01-01T00:00:05Z",
            ["count"] = 3,
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static void Nudge(OperatorHarness h) => h.Annotate("hello", "nudge", Guid.NewGuid().ToString("n"));
}
