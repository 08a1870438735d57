using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// Builds that cannot start or die for a reason a person can act on say so within one pass. Pod refusals go through
/// the emulator's Job controller, which writes its own FailedCreate Events: Pod Security admission is the emulator's
/// (the namespace labelled restricted); the ServiceAccount and ResourceQuota admission plugins are not carried by the
/// emulator, so a stand-in refuses the pod with their words (plugin/pkg/admission/serviceaccount/admission.go,
/// plugin/pkg/admission/resourcequota/controller.go). Pod troubles are the pod status the scheduler and kubelet write.
/// </summary>
public sealed class BuildTroubleTests
{
    private const string NoServiceAccount = "error looking up service account demo/default: serviceaccount \"default\" not found";
    private const string Quota = "exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi";

    [Theory]
    [InlineData("PodSecurity", "violates PodSecurity \"restricted:latest\": ")]
    [InlineData("ServiceAccount", "serviceaccount \"default\" not found")]
    public async Task Pods_Refused_At_Admission_Fail_The_Build_With_The_Job_Controllers_Message_At_The_Next_Pass(string admission, string expected)
    {
        await using var h = await StartAsync();
        h.CreateSource();
        Refuse(h, admission);
        h.StartOperator();
        h.CreateTinyImage("hello");
        var job = await JobAsync(h);

        // The Job controller tried, was refused, and said so in a FailedCreate Warning Event; no pod exists.
        await Eventually.TrueAsync(() => FailedCreates(h, job).Count > 0, "the Job controller's FailedCreate Event");
        Assert.StartsWith("Error creating: pods \"" + (string)job["metadata"]!["name"]! + "-", (string?)FailedCreates(h, job)[0]["message"]);
        Assert.Empty(h.Kube.Jobs.PodsOf(Namespace, (string)job["metadata"]!["name"]!));
        Nudge(h); // a resync
        await h.WaitForPhaseAsync("hello", "Failed");

        var built = h.Condition("hello", "Built")!;
        Assert.Equal(("False", "BuildFailed"), ((string?)built["status"], (string?)built["reason"]));
        Assert.Contains(expected, (string?)built["message"]);
        Assert.Equal("BuildFailed", (string?)h.Condition("hello", "Stalled")?["reason"]);

        // Once the namespace admits the pod, a retry replaces the refused Job and the build runs.
        Admit(h);
        var name = (string)job["metadata"]!["name"]!;
        var uid = (string)job["metadata"]!["uid"]!;
        h.Annotate("hello", "tinyimage.dev/retry", "1");
        await Eventually.TrueAsync(() => h.Object("batch/v1", "jobs", name) is { } j && (string?)j["metadata"]!["uid"] != uid, "a new build Job");
        await Eventually.TrueAsync(() => h.Phase("hello") == "Building", "phase Building", () => h.TinyImage("hello")!["status"]!.ToJsonString());
        await Eventually.TrueAsync(() => h.Kube.Jobs.PodsOf(Namespace, name).Count == 1, "the new Job's pod");
    }

    [Fact]
    public async Task A_Quota_Refusal_Keeps_The_Build_Reconciling_With_Its_Reason()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        h.Kube.RefusePodCreates = _ => Quota;
        h.StartOperator();
        h.CreateTinyImage("hello");
        var job = await JobAsync(h);

        await Eventually.TrueAsync(() => FailedCreates(h, job).Count > 0, "the Job controller's FailedCreate Event");
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
            h.Kube.Jobs.Fail(Namespace, jobName, "BackoffLimitExceeded", exitCode: 137, containerReason: "OOMKilled");
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
                // restartPolicy Never: the kubelet ends the pod Failed with the container's OOMKilled termination.
                status["phase"] = "Failed";
                status["containerStatuses"]![0]!["ready"] = false;
                status["containerStatuses"]![0]!["started"] = false;
                status["containerStatuses"]![0]!["state"] = JsonNode.Parse("""{"terminated":{"exitCode":137,"reason":"OOMKilled","startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:01:00Z","containerID":"containerd://0123456789abcdef"}}""");
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
        await Eventually.TrueAsync(
            () => h.Phase("hello") is "Building" or "Failed",
            "phase Building (or Failed, when the pod is refused at once)",
            () => h.TinyImage("hello")!.ToJsonString() + string.Join("; ", h.Kube.BackgroundErrors.Select(e => e.Message)));
        return h.JobFor("hello")!;
    }

    /// <summary>The pod admission that refuses the build pod: the namespace's Pod Security level, or a stand-in plugin.</summary>
    private static void Refuse(OperatorHarness h, string admission)
    {
        if (admission == "PodSecurity")
        {
            Label(h, "restricted");
        }
        else
        {
            h.Kube.RefusePodCreates = pod => (string?)pod["spec"]?["serviceAccountName"] is null or "default" ? NoServiceAccount : null;
        }
    }

    private static void Admit(OperatorHarness h)
    {
        h.Kube.RefusePodCreates = null;
        Label(h, "privileged");
    }

    private static void Label(OperatorHarness h, string level)
    {
        var result = h.Kube.Mutate("v1", "namespaces", null, Namespace, n =>
        {
            var metadata = n["metadata"]!.AsObject();
            if (metadata["labels"] is not JsonObject labels)
            {
                metadata["labels"] = labels = [];
            }

            labels["pod-security.kubernetes.io/enforce"] = level;
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    /// <summary>The Job controller's FailedCreate Warning Events about <paramref name="job"/>.</summary>
    private static IReadOnlyList<JsonObject> FailedCreates(OperatorHarness h, JsonObject job) =>
        [.. h.Kube.List("v1", "events", Namespace).Where(e => (string?)e["reason"] == "FailedCreate" && (string?)e["involvedObject"]?["uid"] == (string?)job["metadata"]!["uid"]
            && (string?)e["source"]?["component"] == "job-controller")];

    private static void Nudge(OperatorHarness h) => h.Annotate("hello", "nudge", Guid.NewGuid().ToString("n"));
}
