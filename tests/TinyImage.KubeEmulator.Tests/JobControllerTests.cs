using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The Job controller's pod creation (pkg/controller/job/job_controller.go, pkg/controller/controller_utils.go).</summary>
public sealed partial class JobControllerTests
{
    internal static JsonObject Job(string name, string ns, int? ttlSeconds = null)
    {
        var job = JsonNode.Parse("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"NAME","namespace":"NS"},
             "spec":{"backoffLimit":0,"template":{"metadata":{"labels":{"role":"build"},"annotations":{"note":"n"}},
             "spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}}}}
            """.Replace("NAME", name, StringComparison.Ordinal).Replace("NS", ns, StringComparison.Ordinal))!.AsObject();
        if (ttlSeconds is { } ttl)
        {
            job["spec"]!["ttlSecondsAfterFinished"] = ttl;
        }

        return job;
    }

    [GeneratedRegex("^build-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex GeneratedPodName();

    [Fact]
    public async Task A_New_Job_Gets_One_Pending_Pod_Named_After_It_With_Its_Labels_A_Blocking_Controller_Reference_And_The_Tracking_Finalizer()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, job) = await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job("build", "default"));
        var uid = (string)job["metadata"]!["uid"]!;

        var created = await KubeHttp.EventuallyAsync(() => kube.List("v1", "pods", "default").Count == 1);
        var pod = kube.List("v1", "pods", "default").Single();
        var (_, current) = await http.GetJsonAsync("/apis/batch/v1/namespaces/default/jobs/build");

        Assert.True(created);
        var meta = pod["metadata"]!;
        Assert.Matches(GeneratedPodName(), (string?)meta["name"]);
        Assert.Equal("build", (string?)meta["labels"]!["role"]);
        Assert.Equal(uid, (string?)meta["labels"]!["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("build", (string?)meta["labels"]!["batch.kubernetes.io/job-name"]);
        Assert.Equal(uid, (string?)meta["labels"]!["controller-uid"]);
        Assert.Equal("build", (string?)meta["labels"]!["job-name"]);
        Assert.Equal("n", (string?)meta["annotations"]!["note"]);
        Assert.Equal(["batch.kubernetes.io/job-tracking"], meta["finalizers"]!.AsArray().Select(f => (string?)f));
        var owner = meta["ownerReferences"]!.AsArray().Single()!;
        Assert.Equal(("batch/v1", "Job", "build", uid, true, true),
            ((string?)owner["apiVersion"], (string?)owner["kind"], (string?)owner["name"], (string?)owner["uid"], (bool?)owner["controller"], (bool?)owner["blockOwnerDeletion"]));
        Assert.Equal("Pending", (string?)pod["status"]!["phase"]);
        Assert.Equal(1, (int?)current["status"]!["active"]);
        Assert.NotNull((string?)current["status"]!["startTime"]);
    }

    [Fact]
    public async Task The_Pods_Of_A_Job_Are_The_Ones_It_Controls_And_Orphans_With_Its_Label_Not_A_Pod_With_Its_Label_That_Another_Controller_Owns()
    {
        // ClaimObject (pkg/controller/controller_ref_manager.go): a pod whose controller is someone else is ignored; an
        // orphan that matches the Job's selector is the Job's (adopted); the Job's own pod is the Job's.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, job) = await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job("build", "default"));
        var uid = (string)job["metadata"]!["uid"]!;
        var own = await KubeHttp.EventuallyAsync(() => kube.Jobs.PodsOf("default", "build").Count == 1);
        var (_, owner) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "another-controller" } });
        var (foreignCode, _) = await http.PostJsonAsync("/api/v1/namespaces/default/pods", LabelledPod("a-foreign", uid, owner));
        var (orphanCode, _) = await http.PostJsonAsync("/api/v1/namespaces/default/pods", LabelledPod("a-orphan", uid, owner: null));

        var names = kube.Jobs.PodsOf("default", "build").Select(p => (string?)p["metadata"]!["name"]).ToList();

        Assert.True(own);
        Assert.Equal((201, 201), (foreignCode, orphanCode));
        Assert.Equal(2, names.Count);
        Assert.Equal("a-orphan", names[0]);
        Assert.Matches(GeneratedPodName(), names[1]);
        Assert.NotNull(kube.Get("v1", "pods", "default", "a-foreign").Body["metadata"]);
        Assert.Empty(kube.BackgroundErrors);
    }

    private static JsonObject LabelledPod(string name, string jobUid, JsonObject? owner)
    {
        var meta = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = jobUid } };
        if (owner is not null)
        {
            meta["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = (string?)owner["metadata"]!["name"], ["uid"] = (string?)owner["metadata"]!["uid"], ["controller"] = true,
            });
        }

        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) },
        };
    }

    [Fact]
    public async Task A_Terminated_Pod_Loses_The_Tracking_Finalizer_So_It_Can_Be_Deleted()
    {
        await using var kube = await KubeHttp.StartAsync();
        await kube.CreateHttpClient().PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job("build", "default"));

        kube.Jobs.Complete("default", "build", "sha256:" + new string('a', 64));
        var released = await KubeHttp.EventuallyAsync(() => kube.Jobs.PodsOf("default", "build") is [var p] && p["metadata"]!["finalizers"] is null);

        Assert.True(released);
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Running_Pod_Orphaned_By_Deleting_Its_Job_With_Orphan_Propagation_Loses_The_Tracking_Finalizer_And_Stays()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job("build", "default"));
        var pod = kube.Jobs.StartPod("default", "build");
        var podPath = "/api/v1/namespaces/default/pods/" + (string)pod["metadata"]!["name"]!;

        await http.DeleteJsonAsync("/apis/batch/v1/namespaces/default/jobs/build?propagationPolicy=Orphan");
        var released = await KubeHttp.EventuallyAsync(async () =>
            (await http.GetJsonAsync(podPath)).Body["metadata"] is { } m && m["finalizers"] is null && m["ownerReferences"] is null);
        var (code, current) = await http.GetJsonAsync(podPath);

        Assert.True(released);
        Assert.Equal(200, code);
        Assert.Equal("Running", (string?)current["status"]!["phase"]);
        Assert.Null(current["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task A_Job_Whose_Pod_PodSecurity_Refuses_Gets_A_FailedCreate_Warning_And_Is_Retried_With_Backoff_On_The_Emulator_Clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = time, GarbageCollectionDelay = TimeSpan.Zero });
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces", PodSecurityAdmissionTests.Namespace("locked", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" }));
        kube.Jobs.Runner = JobRunners.CompleteWith(_ => "sha256:" + new string('b', 64));
        var (jobCode, job) = await http.PostJsonAsync("/apis/batch/v1/namespaces/locked/jobs", Job("build", "locked"));

        JsonObject? Warning() => kube.List("v1", "events", "locked").FirstOrDefault(e => (string?)e["reason"] == "FailedCreate");
        var warned = await KubeHttp.EventuallyAsync(() => Warning() is not null);
        var first = Warning()!;

        Assert.Equal(201, jobCode);
        Assert.True(warned);
        Assert.Equal("Warning", (string?)first["type"]);
        Assert.Equal("job-controller", (string?)first["source"]!["component"]);
        Assert.Equal(("Job", "build", (string?)job["metadata"]!["uid"]), ((string?)first["involvedObject"]!["kind"], (string?)first["involvedObject"]!["name"], (string?)first["involvedObject"]!["uid"]));
        Assert.Matches(
            "^Error creating: pods \"build-[a-z0-9]{5}\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + Regex.Escape("allowPrivilegeEscalation != false (container \"kaniko\" must set securityContext.allowPrivilegeEscalation=false), "
            + "unrestricted capabilities (container \"kaniko\" must set securityContext.capabilities.drop=[\"ALL\"]), "
            + "runAsNonRoot != true (pod or container \"kaniko\" must set securityContext.runAsNonRoot=true), "
            + "seccompProfile (pod or container \"kaniko\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")") + "$",
            (string?)first["message"]);
        Assert.Empty(kube.List("v1", "pods", "locked"));
        var (_, selected) = await http.GetJsonAsync("/api/v1/namespaces/locked/events?fieldSelector=involvedObject.uid%3D"
            + (string?)job["metadata"]!["uid"] + "%2Creason%3DFailedCreate%2Ctype%3DWarning");
        Assert.Single(selected["items"]!.AsArray());

        // Each pod gets a new generated name, so each refusal is its own event; the retry waits for the clock.
        var before = kube.List("v1", "events", "locked").Count;
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(before, kube.List("v1", "events", "locked").Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(before + 1, kube.List("v1", "events", "locked").Count);

        // Once the namespace allows the pod, the next retry (2 s later) creates it and the Job runs.
        kube.Mutate("v1", "namespaces", null, "locked", n => n["metadata"]!["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = "privileged" });
        time.Advance(TimeSpan.FromSeconds(2));
        var completed = await KubeHttp.EventuallyAsync(() => kube.Jobs.Completions.Any(c => c.Name == "build"));

        Assert.True(completed);
        Assert.Single(kube.List("v1", "pods", "locked"));
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Pod_Refused_By_An_Admission_Stand_In_Gets_The_Job_Controllers_FailedCreate_Warning_With_The_403_Message()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.RefusePodCreates = pod => (string?)pod["metadata"]?["labels"]?["job-name"] == "build"
            ? "exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi"
            : null;
        var (jobCode, job) = await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job("build", "default"));
        JsonObject? Warning() => kube.List("v1", "events", "default").FirstOrDefault(e => (string?)e["reason"] == "FailedCreate");
        var warned = await KubeHttp.EventuallyAsync(() => Warning() is not null);

        Assert.Equal(201, jobCode);
        Assert.True(warned);
        Assert.Equal(("Warning", "job-controller", (string?)job["metadata"]!["uid"]), ((string?)Warning()!["type"], (string?)Warning()!["source"]!["component"], (string?)Warning()!["involvedObject"]!["uid"]));
        Assert.Matches(
            "^Error creating: pods \"build-[a-z0-9]{5}\" is forbidden: " + Regex.Escape("exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi") + "$",
            (string?)Warning()!["message"]);
        Assert.Empty(kube.List("v1", "pods", "default"));

        // Without the stand-in the same pod is admitted.
        kube.RefusePodCreates = null;
        var (podCode, _) = await http.PostJsonAsync("/api/v1/namespaces/default/pods", JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"job-name":"build"}},"spec":{"containers":[{"name":"c","image":"app:1"}]}}""")!.AsObject());
        Assert.Equal(201, podCode);
    }

    // The shape of the operator's build pod (KanikoJobBuilder): Kaniko must run as uid 0, so it sets runAsNonRoot=false
    // and runAsUser=0 and keeps its capabilities; the pod sets seccomp RuntimeDefault and no privilege escalation.
    private static JsonObject KanikoBuildJob(string ns) => JsonNode.Parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"hello-build","namespace":"NS"},
         "spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","automountServiceAccountToken":false,
           "securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},
           "containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2",
             "securityContext":{"runAsUser":0,"runAsGroup":0,"runAsNonRoot":false,"allowPrivilegeEscalation":false}}],
           "volumes":[{"name":"containerfile","configMap":{"name":"hello-build"}},{"name":"docker-config","secret":{"secretName":"push"}}]}}}}
        """.Replace("NS", ns, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task The_Operators_Root_Kaniko_Build_Pod_Is_Refused_In_A_Restricted_Namespace_And_Created_In_A_Baseline_One()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces", PodSecurityAdmissionTests.Namespace("locked", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" }));
        await http.PostJsonAsync("/api/v1/namespaces", PodSecurityAdmissionTests.Namespace("base", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "baseline" }));

        await http.PostJsonAsync("/apis/batch/v1/namespaces/locked/jobs", KanikoBuildJob("locked"));
        await http.PostJsonAsync("/apis/batch/v1/namespaces/base/jobs", KanikoBuildJob("base"));
        var warned = await KubeHttp.EventuallyAsync(() => kube.List("v1", "events", "locked").Any(e => (string?)e["reason"] == "FailedCreate"));
        var createdInBaseline = await KubeHttp.EventuallyAsync(() => kube.List("v1", "pods", "base").Count == 1);
        var message = (string?)kube.List("v1", "events", "locked").First(e => (string?)e["reason"] == "FailedCreate")["message"];

        Assert.True(warned);
        Assert.True(createdInBaseline);
        Assert.Matches(
            "^Error creating: pods \"hello-build-[a-z0-9]{5}\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + Regex.Escape("unrestricted capabilities (container \"kaniko\" must set securityContext.capabilities.drop=[\"ALL\"]), "
            + "runAsNonRoot != true (container \"kaniko\" must not set securityContext.runAsNonRoot=false), "
            + "runAsUser=0 (container \"kaniko\" must not set runAsUser=0)") + "$",
            message);
        Assert.Empty(kube.List("v1", "pods", "locked"));
        Assert.Empty(kube.List("v1", "events", "base"));
    }
}
