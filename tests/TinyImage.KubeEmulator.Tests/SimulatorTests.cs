using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class SimulatorTests
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private static JsonObject Job(string name) => JsonNode.Parse("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"NAME","namespace":"default"},
         "spec":{"backoffLimit":0,"template":{"metadata":{"labels":{"role":"build"}},
         "spec":{"restartPolicy":"Never","containers":[{"name":"kaniko","image":"gcr.io/kaniko-project/executor:v1.23.2"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal))!.AsObject();

    private static JsonObject Deployment(string name, int replicas) => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"default"},
         "spec":{"replicas":99,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},
         "spec":{"containers":[{"name":"app","image":"example/app:1"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("99", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task Complete_Gives_The_Job_A_Pod_With_A_Termination_Message_And_Complete_Conditions()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("build"));
        const string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        kube.Jobs.Complete("default", "build", digest);
        var (_, job) = await http.GetJsonAsync(Jobs + "/build");
        var (_, pods) = await http.GetJsonAsync("/api/v1/namespaces/default/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3Dbuild");

        var status = job["status"]!;
        Assert.Equal(1, (int?)status["succeeded"]);
        Assert.NotNull((string?)status["startTime"]);
        Assert.NotNull((string?)status["completionTime"]);
        Assert.Equal(["SuccessCriteriaMet", "Complete"], status["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
        var pod = Assert.Single(pods["items"]!.AsArray())!;
        Assert.StartsWith("build-", (string?)pod["metadata"]!["name"], StringComparison.Ordinal);
        Assert.Equal("build", (string?)pod["metadata"]!["labels"]!["role"]);
        Assert.Equal(job["metadata"]!["uid"]!.GetValue<string>(), (string?)pod["metadata"]!["ownerReferences"]![0]!["uid"]);
        Assert.Equal("Succeeded", (string?)pod["status"]!["phase"]);
        var terminated = pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!;
        Assert.Equal(digest, (string?)terminated["message"]);
        Assert.Equal(0, (int?)terminated["exitCode"]);
        Assert.Equal("Completed", (string?)terminated["reason"]);
    }

    [Fact]
    public async Task The_Build_Pod_Reports_Ready_While_It_Runs_And_Not_Ready_With_The_Kubelets_Reason_Once_Finished()
    {
        // pkg/kubelet/status/generate.go: a container without a readiness probe is ready once started, so the running pod's
        // ContainersReady and Ready are True (and the Job counts it ready); a terminal pod's are False with PodCompleted or
        // PodFailed, Initialized stays True (with PodCompleted once Succeeded), and the torn-down sandbox makes
        // PodReadyToStartContainers False.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("ok"));
        await http.PostJsonAsync(Jobs, Job("bad"));

        var running = kube.Jobs.StartPod("default", "ok");
        var runningConditions = Conditions(running);
        var (_, runningJob) = await http.GetJsonAsync(Jobs + "/ok");
        kube.Jobs.Complete("default", "ok", "sha256:" + new string('a', 64));
        kube.Jobs.Fail("default", "bad");
        var succeeded = kube.Jobs.PodsOf("default", "ok").Single();
        var failed = kube.Jobs.PodsOf("default", "bad").Single();

        Assert.Equal(
            [("PodReadyToStartContainers", "True", null), ("Initialized", "True", null), ("Ready", "True", null), ("ContainersReady", "True", null), ("PodScheduled", "True", null)],
            runningConditions);
        Assert.Equal((true, true), ((bool)running["status"]!["containerStatuses"]![0]!["ready"]!, (bool)running["status"]!["containerStatuses"]![0]!["started"]!));
        Assert.Equal(1, (int?)runningJob["status"]!["ready"]);
        Assert.Equal(
            [("PodReadyToStartContainers", "False", null), ("Initialized", "True", "PodCompleted"), ("Ready", "False", "PodCompleted"), ("ContainersReady", "False", "PodCompleted"), ("PodScheduled", "True", null)],
            Conditions(succeeded));
        Assert.Equal(
            [("PodReadyToStartContainers", "False", null), ("Initialized", "True", null), ("Ready", "False", "PodFailed"), ("ContainersReady", "False", "PodFailed"), ("PodScheduled", "True", null)],
            Conditions(failed));
        Assert.All(new[] { succeeded, failed }, p => Assert.Equal((false, false), ((bool)p["status"]!["containerStatuses"]![0]!["ready"]!, (bool)p["status"]!["containerStatuses"]![0]!["started"]!)));
        // A condition whose status did not change keeps the time it last changed.
        Assert.Equal(
            (string?)running["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "PodScheduled")!["lastTransitionTime"],
            (string?)succeeded["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "PodScheduled")!["lastTransitionTime"]);
        // PodObservedGenerationTracking (GA in 1.35): every kubelet report carries the pod's generation, in the status and
        // on each condition, in Go's field order (observedGeneration first in PodStatus, second in PodCondition).
        Assert.All(new[] { running, succeeded, failed }, p =>
        {
            Assert.Equal(1L, (long?)p["metadata"]!["generation"]);
            Assert.Equal("observedGeneration", p["status"]!.AsObject().First().Key);
            Assert.Equal(1L, (long?)p["status"]!["observedGeneration"]);
            Assert.All(p["status"]!["conditions"]!.AsArray(), c =>
            {
                Assert.Equal(["type", "observedGeneration", "status"], c!.AsObject().Take(3).Select(f => f.Key));
                Assert.Equal(1L, (long?)c["observedGeneration"]);
            });
        });
    }

    [Fact]
    public async Task A_Pod_Status_Write_Without_ObservedGeneration_Or_QosClass_Keeps_The_Stored_Ones()
    {
        // pkg/registry/core/pod/strategy.go podStatusStrategy.PrepareForUpdate: preserveOldObservedGeneration keeps
        // status.observedGeneration and each condition's (matched by type, in order) when a write leaves them out or 0,
        // and an empty qosClass is backfilled from the stored status. A value the write does set wins.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("build"));
        var pod = kube.Jobs.StartPod("default", "build");
        var path = "/api/v1/namespaces/default/pods/" + (string)pod["metadata"]!["name"]!;
        var (_, stored) = await http.GetJsonAsync(path);
        var qos = (string?)stored["status"]!["qosClass"];

        var write = stored.DeepClone().AsObject();
        var status = write["status"]!.AsObject();
        status.Remove("observedGeneration");
        status.Remove("qosClass");
        var conditions = status["conditions"]!.AsArray();
        conditions[0]!.AsObject().Remove("observedGeneration");
        conditions[1]!["observedGeneration"] = 0;
        conditions[2]!["observedGeneration"] = 7;
        var (code, written) = await http.PutJsonAsync(path + "/status", write);

        Assert.Equal(200, code);
        Assert.NotNull(qos);
        Assert.Equal(qos, (string?)written["status"]!["qosClass"]);
        Assert.Equal(1L, (long?)written["status"]!["observedGeneration"]);
        var after = written["status"]!["conditions"]!.AsArray();
        Assert.Equal([1L, 1L, 7L, 1L, 1L], after.Select(c => (long?)c!["observedGeneration"]));
        Assert.Equal(["type", "observedGeneration", "status"], after[0]!.AsObject().Take(3).Select(f => f.Key));
        Assert.Equal("observedGeneration", written["status"]!.AsObject().First().Key);
    }

    private static (string?, string?, string?)[] Conditions(JsonObject pod) =>
        [.. pod["status"]!["conditions"]!.AsArray().Select(c => ((string?)c!["type"], (string?)c["status"], (string?)c["reason"]))];

    [Fact]
    public async Task Fail_Marks_The_Job_Failed_And_Serves_The_Log_Tail()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("broken"));

        kube.Jobs.Fail("default", "broken", "BackoffLimitExceeded", "step 1\nstep 2\nerror: cargo build failed\n");
        var (_, job) = await http.GetJsonAsync(Jobs + "/broken");
        var pod = kube.Jobs.PodsOf("default", "broken").Single();
        var podName = (string)pod["metadata"]!["name"]!;
        var (logCode, log) = await http.GetJsonAsync($"/api/v1/namespaces/default/pods/{podName}/log?container=kaniko&tailLines=2");
        var (badCode, _) = await http.GetJsonAsync($"/api/v1/namespaces/default/pods/{podName}/log?container=nope");

        Assert.Equal(1, (int?)job["status"]!["failed"]);
        var failed = job["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Failed")!;
        Assert.Equal("BackoffLimitExceeded", (string?)failed["reason"]);
        Assert.Equal("Failed", (string?)pod["status"]!["phase"]);
        Assert.Equal(1, (int?)pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]);
        Assert.Equal(200, logCode);
        Assert.Equal("step 2\nerror: cargo build failed\n", (string?)log["text"]);
        Assert.Equal(400, badCode);
    }

    [Fact]
    public async Task Pod_Log_LimitBytes_Keeps_The_First_Bytes_Of_The_Tail_And_Must_Be_Positive()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("chatty"));
        kube.Jobs.Fail("default", "chatty", "BackoffLimitExceeded", "line one\nline two\nline three\n");
        var podName = (string)kube.Jobs.PodsOf("default", "chatty").Single()["metadata"]!["name"]!;
        var url = $"/api/v1/namespaces/default/pods/{podName}/log?container=kaniko";

        var (limitedCode, limited) = await http.GetJsonAsync(url + "&tailLines=2&limitBytes=12");
        var (wholeCode, whole) = await http.GetJsonAsync(url + "&limitBytes=1000");
        var (zeroCode, zero) = await http.GetJsonAsync(url + "&limitBytes=0");

        Assert.Equal(200, limitedCode);
        Assert.Equal("line two\nlin", (string?)limited["text"]);
        Assert.Equal((200, "line one\nline two\nline three\n"), (wholeCode, (string?)whole["text"]));
        Assert.Equal(422, zeroCode);
        Assert.Contains("limitBytes: Invalid value: 0: must be greater than 0", (string?)zero["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Registered_Runner_Sees_Every_New_Job_And_Can_Complete_It()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var seen = new List<string>();
        kube.Jobs.Runner = JobRunners.From((job, _) =>
        {
            lock (seen)
            {
                seen.Add(job.Name + " " + string.Join(',', job.Images));
            }

            job.Complete("done:" + job.Name);
            return Task.CompletedTask;
        });

        await http.PostJsonAsync(Jobs, Job("one"));
        await http.PostJsonAsync(Jobs, Job("two"));
        var completed = await KubeHttp.EventuallyAsync(() =>
            kube.List("batch/v1", "jobs", "default").All(j => (int?)j["status"]?["succeeded"] == 1));

        Assert.True(completed);
        Assert.Equal(["one gcr.io/kaniko-project/executor:v1.23.2", "two gcr.io/kaniko-project/executor:v1.23.2"], seen.Order());
        Assert.Equal("done:two", (string?)kube.Jobs.PodsOf("default", "two")[0]["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["message"]);
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Runner_Reads_The_Job_As_Handed_To_It_Even_After_It_Completed_It_And_Owns_That_Copy()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var handed = new TaskCompletionSource<EmulatedJob>(TaskCreationOptions.RunContinuationsAsynchronously);
        kube.Jobs.Runner = JobRunners.From((job, _) =>
        {
            // Completed before its object is first read: the object is still the Job of the moment it was handed over.
            job.Complete("done");
            handed.SetResult(job);
            return Task.CompletedTask;
        });

        await http.PostJsonAsync(Jobs, Job("read-late"));
        var job = await handed.Task.WaitAsync(KubeHttp.Bounded());
        var stored = kube.Get("batch/v1", "jobs", "default", "read-late").Body;

        Assert.Equal(1, (int?)stored["status"]!["succeeded"]);
        Assert.Null(job.Object["status"]?["succeeded"]);
        Assert.Equal(1, (int?)job.Object["status"]!["active"]);
        Assert.Equal((string?)stored["metadata"]!["uid"], (string?)job.Object["metadata"]!["uid"]);
        Assert.Same(job.Object, job.Object);
        job.Object["spec"]!["backoffLimit"] = 7; // the runner's own copy: the stored Job is not touched
        Assert.Equal(0, (int?)kube.Get("batch/v1", "jobs", "default", "read-late").Body["spec"]!["backoffLimit"]);
        Assert.Equal("batch/v1", (string?)new EmulatedJob("default", "given", new JsonObject { ["apiVersion"] = "batch/v1" }, kube.Jobs).Object["apiVersion"]);
    }

    [Fact]
    public async Task A_Runner_That_Throws_Is_Reported_As_A_Background_Error()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Jobs.Runner = JobRunners.From((_, _) => throw new InvalidOperationException("runner bug"));

        await http.PostJsonAsync(Jobs, Job("j"));
        var reported = await KubeHttp.EventuallyAsync(() => kube.BackgroundErrors.Count == 1);

        Assert.True(reported);
        Assert.Equal("runner bug", kube.BackgroundErrors[0].Message);
    }

    [Fact]
    public async Task Deleting_A_Job_In_The_Background_Collects_Its_Pods()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("j"));
        kube.Jobs.StartPod("default", "j");

        await http.DeleteJsonAsync(Jobs + "/j?propagationPolicy=Background");
        var collected = await KubeHttp.EventuallyAsync(() => kube.List("v1", "pods", "default").Count == 0);

        Assert.True(collected);
    }

    [Fact]
    public async Task MarkAvailable_Makes_The_Deployments_Pods_Ready_So_Its_Rollout_Completes()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", 2));
        await http.PatchJsonAsync(Deployments + "/web", JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"example/app:2"}]}}}}""")!);
        var started = await KubeHttp.EventuallyAsync(async () => (long?)(await http.GetJsonAsync(Deployments + "/web")).Body["status"]?["observedGeneration"] == 2
            && kube.Deployments.PodsOf("default", "web").Count(p => (string?)p["status"]?["phase"] == "Running") == 3, // 2 old + 1 surge pod, none ready
            TimeSpan.FromSeconds(30)); // a bound, not a timing: the full suite runs many emulators at once on two cores
        var before = (await http.GetJsonAsync(Deployments + "/web")).Body["status"]!;

        var result = kube.Deployments.MarkAvailable("default", "web");
        var available = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(Deployments + "/web")).Body["status"] is { } s
            && (int?)s["availableReplicas"] == 2 && (int?)s["updatedReplicas"] == 2 && (int?)s["replicas"] == 2, TimeSpan.FromSeconds(30));
        var (_, read) = await http.GetJsonAsync(Deployments + "/web");

        Assert.True(started);
        Assert.Null(before["availableReplicas"]);
        Assert.Equal("False", (string?)before["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Available")!["status"]);
        Assert.True(result.IsSuccess);
        Assert.True(available);
        var status = read["status"]!;
        Assert.Equal(2, (long?)status["observedGeneration"]);
        Assert.Equal(2, (int?)status["readyReplicas"]);
        Assert.Equal(2, (int?)status["updatedReplicas"]);
        Assert.Equal("True", (string?)status["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Available")!["status"]);
        Assert.Equal(2, read.Generation());
    }

    [Fact]
    public async Task MarkUnavailable_Makes_The_Pods_Fail_Readiness_So_The_Deployment_Loses_Availability()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Deployments.AutoReady = true;
        await http.PostJsonAsync(Deployments, Deployment("web", 1));
        var ready = await KubeHttp.EventuallyAsync(async () => (int?)(await http.GetJsonAsync(Deployments + "/web")).Body["status"]?["availableReplicas"] == 1);

        kube.Deployments.MarkUnavailable("default", "web");
        var lost = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(Deployments + "/web")).Body["status"]?["readyReplicas"] is null);
        var (_, read) = await http.GetJsonAsync(Deployments + "/web");

        Assert.True(ready);
        Assert.True(lost);
        var conditions = read["status"]!["conditions"]!.AsArray();
        Assert.Equal(("False", "MinimumReplicasUnavailable"), ((string?)conditions.Single(c => (string?)c!["type"] == "Available")!["status"], (string?)conditions.Single(c => (string?)c!["type"] == "Available")!["reason"]));
        Assert.Equal("NewReplicaSetAvailable", (string?)conditions.Single(c => (string?)c!["type"] == "Progressing")!["reason"]); // a finished rollout stays finished
        Assert.Equal(1, (int?)read["status"]!["unavailableReplicas"]);
    }

    [Fact]
    public async Task AutoReady_Makes_Every_New_Generation_Available()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Deployments.AutoReady = true;

        await http.PostJsonAsync(Deployments, Deployment("web", 3));
        var first = await KubeHttp.EventuallyAsync(async () => (long?)(await http.GetJsonAsync(Deployments + "/web")).Body["status"]?["observedGeneration"] == 1);
        await http.PatchJsonAsync(Deployments + "/web", JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        var second = await KubeHttp.EventuallyAsync(async () => (int?)(await http.GetJsonAsync(Deployments + "/web")).Body["status"]?["availableReplicas"] == 4);

        Assert.True(first);
        Assert.True(second);
    }

    [Fact]
    public async Task StartPod_Reads_The_Stored_Pod_In_Place_Without_A_Copy()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, Job("build"));

        var first = kube.Jobs.StartPod("default", "build");
        var again = kube.Jobs.StartPod("default", "build"); // already running: nothing is written
        var (_, served) = await http.GetJsonAsync("/api/v1/namespaces/default/pods/" + (string?)first["metadata"]!["name"]);

        Assert.Same(first, again);
        Assert.Equal("Running", (string?)first["status"]!["phase"]);
        Assert.True(JsonNode.DeepEquals(served, first));
    }
}
