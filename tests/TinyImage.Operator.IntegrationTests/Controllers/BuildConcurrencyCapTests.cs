using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The cap on concurrent builds (issue 16 item 4, issue 14 item 3) with the strict emulator: beyond the cap no Job is
/// created, the waiting TinyImages say BuildQueued (one status write when they begin waiting), and each finished build
/// starts the oldest waiting one until every TinyImage is Ready.
/// </summary>
public sealed class BuildConcurrencyCapTests
{
    private static readonly string[] Names = ["t1", "t2", "t3", "t4", "t5"];

    [Fact]
    public async Task Five_TinyImages_Under_A_Cap_Of_Two_Build_Two_At_A_Time_Oldest_Waiting_First_And_All_Reach_Ready()
    {
        await using var h = await StartAsync();
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.StartOperator(FastOptions with { MaxConcurrentBuilds = 2, MaxConcurrentBuildsPerNamespace = 0 }, progressDelay: TimeSpan.FromSeconds(30));

        // Step 1: five TinyImages want a build; exactly two Jobs are created, the other three wait.
        foreach (var name in Names)
        {
            h.CreateTinyImage(name);
        }

        await Eventually.TrueAsync(() => Queued(h).Count == 3 && RunningJobs(h).Count == 2, "two builds running and three queued", () => State(h));
        Assert.Equal(2, h.JobCreates());
        foreach (var name in Queued(h))
        {
            var built = h.Condition(name, "Built")!;
            Assert.Equal("Unknown", (string?)built["status"]);
            Assert.Contains("cluster-wide cap of 2 concurrent builds", (string?)built["message"], StringComparison.Ordinal);
            Assert.DoesNotContain("in line", (string?)built["message"], StringComparison.Ordinal); // no rewrite as the line moves
            Assert.Equal(("Building", "BuildQueued"), (h.Phase(name), (string?)h.Condition(name, "Reconciling")!["reason"]));
            Assert.Equal("BuildQueued", (string?)h.Condition(name, "Ready")!["reason"]);
            Assert.NotNull(h.TinyImage(name)!["status"]!["build"]!["queuedTime"]);
        }

        // Step 2: more passes of a waiting TinyImage create nothing and write nothing: one status write began its wait.
        var waiter = Queued(h)[0];
        var writes = h.StatusWrites(waiter);
        await BuildProvenanceTests.PassAsync(h, waiter);
        await BuildProvenanceTests.PassAsync(h, waiter);
        Assert.Equal((2, writes, 1), (h.JobCreates(), h.StatusWrites(waiter), writes));

        // Step 3: each finished build starts the oldest waiting one, never more than two at once.
        for (var finished = 0; finished < Names.Length; finished++)
        {
            // A started build's status says BuildQueued until its next status write, which may come after its Job: the
            // waiting ones are those whose status says queued and that have no Job yet.
            var next = Queued(h).Where(n => h.JobFor(n) is null).OrderBy(QueuedTime(h)).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
            var job = RunningJobs(h).OrderBy(j => j, StringComparer.Ordinal).First();
            h.Kube.Jobs.Complete(Namespace, job, Digest('a'));
            if (next is not null)
            {
                await Eventually.TrueAsync(() => h.JobFor(next) is not null, next + " (the oldest waiting) started", () => State(h));
                Assert.Equal(3 + finished, h.JobCreates());
            }

            Assert.InRange(RunningJobs(h).Count, 0, 2);
        }

        foreach (var name in Names)
        {
            await h.WaitForPhaseAsync(name, "Ready");
            Assert.Null(h.TinyImage(name)!["status"]!["build"]!["queuedTime"]);
        }

        Assert.Equal(5, h.JobCreates());
    }

    [Fact]
    public async Task A_Moved_Builder_Tag_Tracked_By_Four_TinyImages_Rebuilds_Them_Through_The_Cap()
    {
        const string builderTag = "registry.local:5000/tools/rust:1-alpine";
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var tag = new MovableTag(Digest('1'));
        var clock = new ShiftedTimeProvider();
        var options = FastOptions with
        {
            MaxConcurrentBuilds = 2,
            MaxConcurrentBuildsPerNamespace = 0,
            Policy = FastOptions.Policy with { AllowedBuilderImages = [builderTag] },
        };
        h.StartOperator(options, time: clock, toolchain: tag);
        string[] names = ["m1", "m2", "m3", "m4"];

        // Step 1: four TinyImages track the tag; their first builds complete at once and they are Ready.
        foreach (var name in names)
        {
            h.CreateTinyImage(name, build: new JsonObject { ["builderImage"] = builderTag, ["rebuildOnToolchainUpdate"] = true });
        }

        foreach (var name in names)
        {
            await h.WaitForPhaseAsync(name, "Ready");
        }

        Assert.Equal(4, h.JobCreates());

        // Step 2: the tag moves and the daily check comes round for all four at once: two rebuild, two wait.
        h.Kube.Jobs.Runner = null;
        tag.MoveTo(Digest('2'));
        clock.Advance(TimeSpan.FromHours(25));
        foreach (var name in names)
        {
            await BuildProvenanceTests.PassAsync(h, name);
        }

        await Eventually.TrueAsync(() => h.JobCreates() == 6 && Queued(h).Count == 2, "two rebuilds running and two queued", () => State(h));
        Assert.All(names, n => Assert.Equal("NewToolchain", (string?)h.TinyImage(n)!["status"]!["build"]!["reason"]));

        // Step 3: as rebuilds finish the waiting ones start; all four end Ready on the new toolchain digest.
        while (h.JobCreates() < 8 || RunningJobs(h).Count > 0)
        {
            var running = RunningJobs(h);
            Assert.InRange(running.Count, 1, 2);
            var before = h.JobCreates();
            h.Kube.Jobs.Complete(Namespace, running[0], Digest('b'));
            await Eventually.TrueAsync(() => !RunningJobs(h).Contains(running[0]) && (before == 8 || h.JobCreates() > before || Queued(h).Count == 0), "a finished rebuild starts the next", () => State(h));
        }

        foreach (var name in names)
        {
            await Eventually.TrueAsync(() => h.DeployedImage(name) == Repository + "@" + Digest('b'), name + " serves its rebuild", () => State(h));
            var builder = h.TinyImage(name)!["status"]!["build"]!["toolchain"]!.AsArray().First(t => (string?)t?["role"] == "builder")!;
            Assert.Equal(Digest('2'), (string?)builder["digest"]);
        }

        Assert.Equal(8, h.JobCreates());
    }

    /// <summary>TinyImages whose Built condition says BuildQueued.</summary>
    private static List<string> Queued(OperatorHarness h) =>
        [.. h.Kube.List("tinyimage.dev/v1alpha1", "tinyimages", Namespace)
            .Where(t => t["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] == "Built" && (string?)c?["reason"] == "BuildQueued") == true)
            .Select(t => (string)t["metadata"]!["name"]!)
            .Order(StringComparer.Ordinal)];

    private static Func<string, string> QueuedTime(OperatorHarness h) => name => (string?)h.TinyImage(name)?["status"]?["build"]?["queuedTime"] ?? "";

    /// <summary>Build Jobs that have not finished.</summary>
    private static List<string> RunningJobs(OperatorHarness h) =>
        [.. h.Jobs()
            .Where(j => j["status"]?["conditions"]?.AsArray().Any(c => (string?)c?["type"] is "Complete" or "Failed" && (string?)c?["status"] == "True") != true)
            .Select(j => (string)j["metadata"]!["name"]!)
            .Order(StringComparer.Ordinal)];

    private static string State(OperatorHarness h) =>
        "jobs created " + h.JobCreates() + ", running [" + string.Join(", ", RunningJobs(h)) + "], queued [" + string.Join(", ", Queued(h)) + "]";
}
