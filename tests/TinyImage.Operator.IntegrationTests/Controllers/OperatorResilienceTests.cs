using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>Restarts, two replicas, broken watches and failing writes: the operator converges anyway.</summary>
public sealed class OperatorResilienceTests
{
    [Fact]
    public async Task A_Restarted_Operator_Adopts_The_Running_Build_Instead_Of_Starting_Another()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.StartOnly();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var first = h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Building");
        await Eventually.TrueAsync(() => h.JobFor("hello") is not null, "the build Job");
        await first.StopAsync();

        var second = h.StartOperator();
        var jobName = (string)h.JobFor("hello")!["metadata"]!["name"]!;
        h.Kube.Jobs.Complete(Namespace, jobName, Digest('f'));
        await h.WaitForPhaseAsync("hello", "Ready");

        Assert.Equal(1, h.JobCreates());
        Assert.Equal(Repository + "@" + Digest('f'), h.DeployedImage("hello"));
        Assert.Empty(h.Kube.Requests.Where(r => r.IsWrite && r.Resource == "jobs" && r.UserAgent?.Contains(second.Identity, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Of_Two_Operators_Only_The_Leader_Reconciles_And_The_Other_Takes_Over_When_It_Stops()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(j => j.Name.Contains("first", StringComparison.Ordinal) ? Digest('1') : Digest('2'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var options = FastOptions with { LeaderElection = true };
        var a = h.StartOperator(options, "op-a");
        var b = h.StartOperator(options, "op-b");

        await Eventually.TrueAsync(() => Holder(h) is "op-a" or "op-b", "a leader");
        var leader = Holder(h) == "op-a" ? a : b;
        var standby = leader == a ? b : a;
        h.CreateTinyImage("first");
        await h.WaitForPhaseAsync("first", "Ready");
        Assert.True(leader.Host.IsReconciling);
        Assert.False(standby.Host.IsReconciling);
        Assert.Empty(WritesBy(h, standby.Identity));

        // The leader stops (SIGTERM): it releases the lease, the standby takes over and reconciles what comes next.
        await leader.StopAsync();
        await Eventually.TrueAsync(() => Holder(h) == standby.Identity, "the standby holding the lease");
        h.CreateTinyImage("second");
        await h.WaitForPhaseAsync("second", "Ready");
        Assert.True(standby.Host.IsReconciling);
        Assert.NotEmpty(WritesBy(h, standby.Identity));
        Assert.Equal(2, h.JobCreates());
    }

    [Fact]
    public async Task A_Leader_That_Cannot_Renew_Stops_Reconciling_At_Once()
    {
        await using var h = await StartAsync();
        h.CreateSource();
        var leader = h.StartOperator(FastOptions with { LeaderElection = true }, "op-a");
        await Eventually.TrueAsync(() => leader.Host.IsReconciling, "op-a leading");

        // Someone else holds the lease now (as if op-a had been partitioned away and the lease expired).
        Assert.True(h.Kube.Mutate("coordination.k8s.io/v1", "leases", "tinyimage-system", "tinyimage-operator-leader", l =>
            l["spec"]!["holderIdentity"] = "op-z").IsSuccess);

        await Eventually.TrueAsync(() => !leader.Host.IsReconciling, "op-a stopped reconciling");

        // It keeps campaigning (reading the lease) but touches nothing else: no list, watch or write of TinyImages or Jobs.
        var since = h.Kube.Requests.All.Count;
        h.CreateTinyImage("hello");
        await Eventually.TrueAsync(() => h.Kube.Requests.All.Skip(since).Count(r => r.Resource == "leases") >= 3, "op-a campaigning for the lease again");
        Assert.DoesNotContain(h.Kube.Requests.All.Skip(since), r => r.Resource != "leases");
        Assert.Equal(0, h.JobCreates());
    }

    [Fact]
    public async Task Watches_Dropped_Every_Few_Events_And_Expired_Histories_Lose_No_Update()
    {
        await using var h = await StartAsync(new ApiServerEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(j => Digest((char)('a' + (j.Name[5] - '0'))));
        h.Kube.Deployments.AutoReady = true;
        h.Kube.Faults.CloseWatchesEveryEvents = 3;
        h.Kube.Faults.ShrinkWatchHistory(5);
        h.CreateSource();
        h.StartOperator();

        for (var i = 0; i < 6; i++)
        {
            h.CreateTinyImage("image" + i);
        }

        await Eventually.TrueAsync(() => Enumerable.Range(0, 6).All(i => h.Phase("image" + i) == "Ready"), "six TinyImages Ready");

        // The last word on each: a replica change must reach the Deployment through broken watches.
        h.Kube.Faults.CompactWatchHistory();
        for (var i = 0; i < 6; i++)
        {
            var replicas = i + 2;
            h.EditSpec("image" + i, spec => spec["deploy"] = new JsonObject { ["replicas"] = replicas });
        }

        await Eventually.TrueAsync(
            () => Enumerable.Range(0, 6).All(i => (int?)h.Object("apps/v1", "deployments", "image" + i)?["spec"]?["replicas"] == i + 2 && h.Phase("image" + i) == "Ready"),
            "every replica change applied");
        var lists = h.Kube.Requests.Count("list");
        Assert.True(lists > 5, "informers relisted after 410 Gone (lists: " + lists + "; 5 are the first lists)");
        Assert.True(h.Kube.Requests.Count("watch", "tinyimages") >= 3, "the informer resumed dropped watches");
        Assert.Equal(6, h.JobCreates());
    }

    [Fact]
    public async Task Random_Conflicts_And_Server_Errors_On_Writes_Converge_To_The_Same_State()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(j => Digest((char)('a' + (j.Name[5] - '0'))));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        foreach (var verb in new[] { "create", "update", "patch" })
        {
            h.Kube.Faults.FailWithProbability(0.25, 409, new RequestMatch(verb, Namespace: Namespace));
            h.Kube.Faults.FailWithProbability(0.25, 500, new RequestMatch(verb, Namespace: Namespace));
        }

        h.StartOperator();
        for (var i = 0; i < 4; i++)
        {
            h.CreateTinyImage("image" + i);
        }

        await Eventually.TrueAsync(() => Enumerable.Range(0, 4).All(i => h.Phase("image" + i) == "Ready"), "four TinyImages Ready despite faults", () => string.Join(", ", Enumerable.Range(0, 4).Select(i => h.Phase("image" + i) + " " + h.Condition("image" + i, "Ready")?["message"])));

        Assert.True(h.Kube.Faults.InjectedFailures >= 4, "faults were injected: " + h.Kube.Faults.InjectedFailures);
        for (var i = 0; i < 4; i++)
        {
            var name = "image" + i;
            Assert.Equal(Repository + "@" + Digest((char)('a' + i)), h.DeployedImage(name));
            Assert.Single(h.Jobs(), j => ((string)j["metadata"]!["name"]!).StartsWith(name + "-build-", StringComparison.Ordinal));
            Assert.Equal("True", (string?)h.Condition(name, "Ready")?["status"]);
            Assert.Equal(Digest((char)('a' + i)), (string?)h.TinyImage(name)!["status"]!["image"]!["digest"]);
        }
    }

    [Fact]
    public async Task A_Ready_TinyImage_Costs_Zero_Writes_Over_Resync_Periods()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('9'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator(FastOptions with { ResyncPeriod = TimeSpan.FromMilliseconds(300) });
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => h.Object("v1", "configmaps", "hello-sbom") is not null, "the SBOM ConfigMap");

        // Settle: the pass that made it Ready also records the Ready event, and Events held back by the recorder's
        // per-object rate limit may still follow; steady state starts once two resync passes write nothing.
        await Eventually.TrueAsync(() => h.Kube.List("events.k8s.io/v1", "events", Namespace).Any(e => (string?)e["action"] == "Ready"), "the Ready event");
        for (var attempt = 0; ; attempt++)
        {
            h.Kube.Requests.Clear();
            await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) >= 2, "two resync passes");
            if (!h.Kube.Requests.Where(r => r.IsWrite).Any())
            {
                break;
            }

            Assert.True(attempt < 10, "the operator kept writing while settling: " + string.Join(", ", h.Kube.Requests.Where(r => r.IsWrite).Select(w => w.Verb + " " + w.Resource)));
        }

        h.Kube.Requests.Clear();
        await Eventually.TrueAsync(() => h.Kube.Requests.Count("get", "configmaps", Namespace) >= 5, "five more reconcile passes (resyncs)");

        var writes = h.Kube.Requests.Where(r => r.IsWrite);
        Assert.True(writes.Count == 0, "writes at steady state: " + string.Join(", ", writes.Select(w => w.Verb + " " + w.Resource + "/" + w.Name + "/" + w.Subresource)));
    }

    private static string? Holder(OperatorHarness h) =>
        (string?)h.Object2("coordination.k8s.io/v1", "leases", "tinyimage-system", "tinyimage-operator-leader")?["spec"]?["holderIdentity"];

    private static IReadOnlyList<RecordedRequest> WritesBy(OperatorHarness h, string identity) =>
        h.Kube.Requests.Where(r => r.IsWrite && r.Resource != "leases" && r.UserAgent?.Contains("(" + identity + ")", StringComparison.Ordinal) == true);
}
