using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static TinyImage.KubeEmulator.Tests.Workloads.Rollouts;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>The deployment and ReplicaSet controllers of kube-controller-manager 1.35, as the emulator runs them.</summary>
public sealed class DeploymentControllerTests
{
    [Fact]
    public async Task A_Deployment_Creates_A_ReplicaSet_Named_By_Its_Pod_Template_Hash_Whose_Pods_Run_On_The_Node()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();

        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 2));
        await WaitAsync(() => Complete(Get(kube, "web")), "the Deployment completes", () => Get(kube, "web").ToJsonString());

        var deployment = Get(kube, "web");
        var rs = Assert.Single(kube.Deployments.ReplicaSetsOf("default", "web"));
        var hash = Hash(rs);
        Assert.Equal("web-" + hash, Name(rs));
        Assert.Equal(hash, (string?)rs["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"]);
        Assert.Equal(hash, (string?)rs["spec"]!["template"]!["metadata"]!["labels"]!["pod-template-hash"]);
        Assert.Equal("web", (string?)rs["metadata"]!["labels"]!["app"]);
        var annotations = rs["metadata"]!["annotations"]!;
        Assert.Equal(("1", "2", "3"), ((string?)annotations["deployment.kubernetes.io/revision"], (string?)annotations["deployment.kubernetes.io/desired-replicas"], (string?)annotations["deployment.kubernetes.io/max-replicas"]));
        Assert.Equal("1", (string?)deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        var owner = Assert.Single(rs["metadata"]!["ownerReferences"]!.AsArray())!;
        Assert.Equal(("Deployment", "web", (string?)deployment["metadata"]!["uid"], true), ((string?)owner["kind"], (string?)owner["name"], (string?)owner["uid"], (bool?)owner["controller"]));
        var pods = kube.Deployments.PodsOf("default", "web");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Matches("^web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}$", Name(p));
            Assert.Equal(hash, Hash(p));
            Assert.Equal(Name(rs), (string?)p["metadata"]!["ownerReferences"]![0]!["name"]);
            Assert.Equal(KubeletPod.NodeName, (string?)p["spec"]!["nodeName"]);
            Assert.Equal("Running", (string?)p["status"]!["phase"]);
            Assert.Equal("True", (string?)p["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!["status"]);
            // The kubelet reports the pod's generation (PodObservedGenerationTracking, GA in 1.35), on PodScheduled too
            // once it has written it after the binding.
            Assert.Equal(1L, (long?)p["status"]!["observedGeneration"]);
            Assert.All(p["status"]!["conditions"]!.AsArray(), c => Assert.Equal(1L, (long?)c!["observedGeneration"]));
        });
        var status = deployment["status"]!.AsObject();
        Assert.Equal((2, 2, 2, 2, 0), Counts(status));
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), Pick(Condition(status, "Available")));
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"{Name(rs)}\" has successfully progressed."), Pick(Condition(status, "Progressing")));
        Assert.Equal(2, Number(rs["status"]!["availableReplicas"]));
        Assert.Equal(0, Number(rs["status"]!["terminatingReplicas"]));
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Rolling_Update_Keeps_The_Old_Pod_Ready_And_Available_While_The_Surge_Pod_Starts_And_Removes_It_Only_After()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var kubelet = kube.Deployments.DefaultKubelet;
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 1));
        await WaitAsync(() => Complete(Get(kube, "web")), "the first rollout completes");
        var oldRs = Assert.Single(kube.Deployments.ReplicaSetsOf("default", "web"));
        var oldPod = Assert.Single(kube.Deployments.PodsOf("default", "web"));
        var since = kube.ResourceVersion;

        // The new pod starts but is not ready yet: the surge (maxSurge 25% of 1 rounds up to 1, maxUnavailable rounds down to 0).
        kubelet.NeverReady(p => p.Image == "example/app:2");
        await http.PatchJsonAsync(Deployments + "/web", ImagePatch("example/app:2"));
        await WaitAsync(() => Counts(Status(kube, "web")) == (2, 1, 1, 1, 1), "replicas 2, updated 1, ready 1, available 1, unavailable 1", () => Status(kube, "web").ToJsonString());

        var surging = Status(kube, "web");
        var sets = kube.Deployments.ReplicaSetsOf("default", "web");
        var newRs = Assert.Single(sets, r => Name(r) != Name(oldRs));
        Assert.Equal((1, 1), (Number(sets.Single(r => Name(r) == Name(oldRs))["spec"]!["replicas"]), Number(newRs["spec"]!["replicas"])));
        Assert.Equal("2", (string?)newRs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        Assert.Equal(("True", "MinimumReplicasAvailable"), (Pick(Condition(surging, "Available")).Status, Pick(Condition(surging, "Available")).Reason));
        Assert.Equal("True", Pick(Condition(surging, "Progressing")).Status);
        Assert.Contains(Name(newRs), Pick(Condition(surging, "Progressing")).Message, StringComparison.Ordinal);
        var stillServing = kube.Get("v1", "pods", "default", Name(oldPod)).Body;
        Assert.Equal("True", (string?)Condition(stillServing["status"]!.AsObject(), "Ready")?["status"]);

        // The new pod becomes ready: the old ReplicaSet is scaled to 0 and its pod deleted.
        kubelet.NeverReady(_ => false);
        var newPod = Assert.Single(kube.Deployments.PodsOf("default", "web"), p => Hash(p) == Hash(newRs));
        kubelet.SetReady("default", Name(newPod), ready: true);
        await WaitAsync(() => Complete(Get(kube, "web")), "the rollout completes", () => Status(kube, "web").ToJsonString());

        Assert.Equal(0, Number(kube.Deployments.ReplicaSetsOf("default", "web").Single(r => Name(r) == Name(oldRs))["spec"]!["replicas"]));
        Assert.Equal([Name(newPod)], kube.Deployments.PodsOf("default", "web").Select(Name));
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"{Name(newRs)}\" has successfully progressed."), Pick(Condition(Status(kube, "web"), "Progressing")));
        Assert.Equal("2", (string?)Get(kube, "web")["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);

        // What a watcher saw: the counters went 1 -> 2 pods -> 1, and at no time was nothing available.
        var statuses = (await HistoryAsync(kube, "deployments", since)).Select(e => Counts(e.Object["status"]!.AsObject())).ToList();
        Assert.Contains((2, 1, 1, 1, 1), statuses);
        Assert.Equal((1, 1, 1, 1, 0), statuses[^1]);
        Assert.All(statuses, s => Assert.True(s.Available >= 1, "availableReplicas dropped to 0: " + string.Join(' ', statuses)));
        var podEvents = await HistoryAsync(kube, "pods", since);
        var oldDeleted = podEvents.FindIndex(e => e.Type == "DELETED" && Name(e.Object) == Name(oldPod));
        var newReady = podEvents.FindIndex(e => Name(e.Object) == Name(newPod) && (string?)Condition(e.Object["status"]!.AsObject(), "Ready")?["status"] == "True");
        Assert.True(newReady >= 0 && oldDeleted > newReady, $"the old pod was deleted (event {oldDeleted}) before the new one was ready (event {newReady})");
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Rolling_Update_Of_Four_Replicas_Never_Exceeds_Five_Pods_Nor_Drops_Below_Three_Available()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 4));
        await WaitAsync(() => Complete(Get(kube, "web")), "the first rollout completes");
        var since = kube.ResourceVersion;

        await http.PatchJsonAsync(Deployments + "/web", ImagePatch("example/app:2"));
        await WaitAsync(() => Complete(Get(kube, "web")) && (long?)Status(kube, "web")["observedGeneration"] == 2, "the second rollout completes", () => Status(kube, "web").ToJsonString());

        // 25% of 4: maxSurge 1, maxUnavailable 1.
        var replicaSetEvents = await HistoryAsync(kube, "replicasets", since);
        var specs = new Dictionary<string, int>();
        var totals = new List<int>();
        foreach (var (_, rs) in replicaSetEvents)
        {
            specs[Name(rs)] = Number(rs["spec"]!["replicas"]) ?? 0;
            totals.Add(specs.Values.Sum());
        }

        Assert.True(totals.Max() <= 5, "more than replicas + maxSurge pods were asked for: " + string.Join(' ', totals));
        var statuses = (await HistoryAsync(kube, "deployments", since)).Select(e => Counts(e.Object["status"]!.AsObject())).ToList();
        Assert.All(statuses, s => Assert.True(s.Available >= 3, "fewer than replicas - maxUnavailable available: " + string.Join(' ', statuses)));
        Assert.Contains(statuses, s => s.Replicas > 4);
        Assert.Equal((4, 4, 4, 4, 0), statuses[^1]);
    }

    [Fact]
    public async Task Recreate_Deletes_Every_Old_Pod_Before_The_New_ReplicaSet_Gets_One()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 2, strategy: new JsonObject { ["type"] = "Recreate" }));
        await WaitAsync(() => Complete(Get(kube, "web")), "the first rollout completes");
        var oldHash = Hash(Assert.Single(kube.Deployments.ReplicaSetsOf("default", "web")));
        var since = kube.ResourceVersion;

        await http.PatchJsonAsync(Deployments + "/web", ImagePatch("example/app:2"));
        await WaitAsync(() => Complete(Get(kube, "web")) && (long?)Status(kube, "web")["observedGeneration"] == 2, "the rollout completes", () => Status(kube, "web").ToJsonString());

        var alive = new Dictionary<string, string>();
        foreach (var (type, pod) in await HistoryAsync(kube, "pods", since))
        {
            if (type == "DELETED")
            {
                alive.Remove(Name(pod));
                continue;
            }

            if (type == "ADDED" && Hash(pod) != oldHash)
            {
                Assert.DoesNotContain(oldHash, alive.Values);
            }

            alive[Name(pod)] = Hash(pod);
        }

        var sets = kube.Deployments.ReplicaSetsOf("default", "web");
        Assert.Equal([0, 2], sets.Select(r => Number(r["spec"]!["replicas"]) ?? -1));
        var statuses = (await HistoryAsync(kube, "deployments", since)).Select(e => Counts(e.Object["status"]!.AsObject())).ToList();
        Assert.Contains(statuses, s => s.Available == 0); // Recreate has downtime, unlike RollingUpdate
        Assert.Equal((2, 2, 2, 2, 0), statuses[^1]);
    }

    [Fact]
    public async Task Old_ReplicaSets_Are_Scaled_To_Zero_And_Only_RevisionHistoryLimit_Of_Them_Are_Kept()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 1, revisionHistoryLimit: 1));
        await WaitAsync(() => Complete(Get(kube, "web")), "revision 1 completes");

        foreach (var (image, generation) in new[] { ("example/app:2", 2L), ("example/app:3", 3L) })
        {
            await http.PatchJsonAsync(Deployments + "/web", ImagePatch(image));
            await WaitAsync(() => Complete(Get(kube, "web")) && (long?)Status(kube, "web")["observedGeneration"] == generation, image + " completes");
        }

        await WaitAsync(() => kube.Deployments.ReplicaSetsOf("default", "web").Count == 2, "the oldest ReplicaSet is deleted");
        var sets = kube.Deployments.ReplicaSetsOf("default", "web");
        Assert.Equal([("2", 0), ("3", 1)], sets.Select(r => ((string?)r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"], Number(r["spec"]!["replicas"]) ?? -1)).Order());
        Assert.Equal("example/app:2", (string?)sets.Single(r => Number(r["spec"]!["replicas"]) == 0)["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal("3", (string?)Get(kube, "web")["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task A_New_Pod_That_Never_Becomes_Ready_Ends_In_ProgressDeadlineExceeded_Once_The_Clock_Passes_The_Default_600_Seconds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        kube.Deployments.DefaultKubelet.NeverReady(_ => true);
        var http = kube.CreateHttpClient();

        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 1));
        await WaitAsync(() => (long?)Status(kube, "web")["observedGeneration"] == 1 && Count(Status(kube, "web"), "updatedReplicas") == 1, "the pod is created", () => Status(kube, "web").ToJsonString());
        var rs = Name(Assert.Single(kube.Deployments.ReplicaSetsOf("default", "web")));
        var progressing = Pick(Condition(Status(kube, "web"), "Progressing"));
        Assert.Equal("True", progressing.Status);
        Assert.Contains(progressing.Reason, new[] { "NewReplicaSetCreated", "ReplicaSetUpdated" });
        Assert.Equal((1, 1, 0, 0, 1), Counts(Status(kube, "web")));

        // The clock moves: 590 s at once (no deadline can pass before 600 s), then one second per poll; nothing waits for real time.
        clock.Advance(TimeSpan.FromSeconds(590));
        var timedOut = await KubeHttp.EventuallyAsync(() =>
        {
            if ((string?)Condition(Status(kube, "web"), "Progressing")?["reason"] == "ProgressDeadlineExceeded")
            {
                return true;
            }

            if (clock.GetUtcNow() < new DateTimeOffset(2026, 1, 1, 0, 15, 0, TimeSpan.Zero))
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            return false;
        }, TimeSpan.FromSeconds(15));

        Assert.True(timedOut, Status(kube, "web").ToJsonString());
        var status = Status(kube, "web");
        var condition = Condition(status, "Progressing")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rs}\" has timed out progressing."), Pick(condition));
        var at = DateTimeOffset.Parse((string)condition["lastUpdateTime"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((at - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds, 601, 610);
        Assert.Equal(("False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."), Pick(Condition(status, "Available")));
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task A_Ready_Pod_Counts_As_Available_Only_After_MinReadySeconds_On_The_Emulator_Clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();

        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 1, minReadySeconds: 30));
        await WaitAsync(() => Count(Status(kube, "web"), "readyReplicas") == 1, "the pod is ready", () => Status(kube, "web").ToJsonString());
        Assert.Equal((1, 1, 1, 0, 1), Counts(Status(kube, "web")));
        Assert.Equal("False", Pick(Condition(Status(kube, "web"), "Available")).Status);

        clock.Advance(TimeSpan.FromSeconds(32));
        await WaitAsync(() => Complete(Get(kube, "web")), "the pod counts as available", () => Status(kube, "web").ToJsonString());
        Assert.Equal(("True", "MinimumReplicasAvailable"), (Pick(Condition(Status(kube, "web"), "Available")).Status, Pick(Condition(Status(kube, "web"), "Available")).Reason));
    }

    [Fact]
    public async Task A_Container_That_Exits_Waits_In_CrashLoopBackOff_And_The_Deployment_Stays_Unavailable()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        kube.Deployments.DefaultKubelet.CrashWhen(_ => true, exitCode: 2);
        var http = kube.CreateHttpClient();

        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 1));
        await WaitAsync(() => kube.Deployments.PodsOf("default", "web") is [var p] && p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"] is not null
            && Count(Status(kube, "web"), "unavailableReplicas") == 1, "the container crashes");

        var container = kube.Deployments.PodsOf("default", "web").Single()["status"]!["containerStatuses"]![0]!;
        Assert.Equal("CrashLoopBackOff", (string?)container["state"]!["waiting"]!["reason"]);
        Assert.Equal((2, "Error"), (Number(container["lastState"]!["terminated"]!["exitCode"]), (string?)container["lastState"]!["terminated"]!["reason"]));
        Assert.Equal(1, Number(container["restartCount"]));
        Assert.False((bool?)container["ready"]);
        Assert.Equal(("False", "MinimumReplicasUnavailable"), (Pick(Condition(Status(kube, "web"), "Available")).Status, Pick(Condition(Status(kube, "web"), "Available")).Reason));
    }

    [Fact]
    public async Task Scaling_A_Deployment_Scales_Its_ReplicaSet_And_Records_The_New_Desired_Replicas()
    {
        await using var kube = await KubeHttp.StartAsync();
        kube.Deployments.AutoReady = true;
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("web", replicas: 3));
        await WaitAsync(() => Complete(Get(kube, "web")), "3 replicas");

        await http.PatchJsonAsync(Deployments + "/web", JsonNode.Parse("""{"spec":{"replicas":5}}""")!);
        await WaitAsync(() => Complete(Get(kube, "web")) && Count(Status(kube, "web"), "availableReplicas") == 5, "5 replicas");

        var rs = Assert.Single(kube.Deployments.ReplicaSetsOf("default", "web"));
        Assert.Equal(5, Number(rs["spec"]!["replicas"]));
        Assert.Equal(("5", "7"), ((string?)rs["metadata"]!["annotations"]!["deployment.kubernetes.io/desired-replicas"], (string?)rs["metadata"]!["annotations"]!["deployment.kubernetes.io/max-replicas"]));
        Assert.Equal(5, kube.Deployments.PodsOf("default", "web").Count);
    }
}
