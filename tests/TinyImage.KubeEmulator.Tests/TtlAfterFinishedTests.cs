using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The TTL-after-finished controller (pkg/controller/ttlafterfinished) on the emulator's clock.</summary>
public sealed class TtlAfterFinishedTests
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";

    [Fact]
    public async Task A_Finished_Job_Is_Deleted_In_The_Foreground_Once_Its_Ttl_Has_Passed_On_The_Emulator_Clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        // The collector's delay runs on the same clock, so each of its passes waits for the test to advance it.
        var gcDelay = TimeSpan.FromSeconds(5);
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = time, GarbageCollectionDelay = gcDelay });
        var http = kube.CreateHttpClient();
        kube.Jobs.Runner = JobRunners.CompleteWith(_ => "sha256:" + new string('c', 64));
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("build", "default", ttlSeconds: 60));
        var finished = await KubeHttp.EventuallyAsync(() =>
            kube.Jobs.Completions.Count == 1 && kube.Jobs.PodsOf("default", "build") is [var p] && p["metadata"]!["finalizers"] is null);
        Assert.True(finished);

        await using var jobWatch = await WatchStream.OpenAsync(http, Jobs + "?watch=true&resourceVersion=" + kube.ResourceVersion);
        await using var podWatch = await WatchStream.OpenAsync(http, "/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + kube.ResourceVersion);

        // One second short of the TTL: nothing happens.
        time.Advance(TimeSpan.FromSeconds(59));
        var (_, early) = await http.GetJsonAsync(Jobs + "/build");
        Assert.Null(early["metadata"]!["deletionTimestamp"]);

        // At the TTL the Job is deleted with propagationPolicy Foreground: it stays, marked, while its pod goes.
        time.Advance(TimeSpan.FromSeconds(1));
        var markedSeen = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(Jobs + "/build")).Body["metadata"]?["deletionTimestamp"] is not null);
        var (markedCode, marked) = await http.GetJsonAsync(Jobs + "/build");
        Assert.True(markedSeen);
        Assert.Equal(200, markedCode);
        Assert.Equal("2026-01-01T00:01:00Z", (string?)marked["metadata"]!["deletionTimestamp"]);
        Assert.Equal(["foregroundDeletion"], marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));

        var podsGone = await KubeHttp.EventuallyAsync(() =>
        {
            time.Advance(gcDelay);
            return kube.List("v1", "pods", "default").Count == 0;
        });
        var jobGone = await KubeHttp.EventuallyAsync(async () =>
        {
            time.Advance(gcDelay);
            return (await http.GetJsonAsync(Jobs + "/build")).Code == 404;
        });
        var jobEvents = await jobWatch.TakeAsync(2);
        var podEvents = await podWatch.TakeAsync(1);

        Assert.True(podsGone);
        Assert.True(jobGone);

        // In the order the watches saw it: Job marked, then its pod deleted, then the Job deleted.
        Assert.Equal(["MODIFIED", "DELETED"], jobEvents.Select(e => e.Type));
        Assert.Equal("DELETED", podEvents[0].Type);
        Assert.True(Rv(jobEvents[0].Object) < Rv(podEvents[0].Object));
        Assert.True(Rv(podEvents[0].Object) < Rv(jobEvents[1].Object));
        Assert.Empty(kube.BackgroundErrors);
    }

    private static long Rv(JsonObject o) => long.Parse(o.Rv(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_Job_Without_A_Ttl_Or_Not_Yet_Finished_Is_Kept_And_A_Zero_Ttl_Deletes_At_Once_When_It_Finishes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = time, GarbageCollectionDelay = TimeSpan.Zero });
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("keep", "default"));
        await http.PostJsonAsync(Jobs, JobControllerTests.Job("running", "default", ttlSeconds: 0));
        kube.Jobs.Complete("default", "keep", "sha256:" + new string('d', 64));
        kube.Jobs.StartPod("default", "running");

        time.Advance(TimeSpan.FromDays(1));
        var (keepCode, _) = await http.GetJsonAsync(Jobs + "/keep");
        var (runningCode, running) = await http.GetJsonAsync(Jobs + "/running");
        Assert.Equal(200, keepCode);
        Assert.Equal(200, runningCode);
        Assert.Null(running["metadata"]!["deletionTimestamp"]);

        kube.Jobs.Fail("default", "running");
        var gone = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(Jobs + "/running")).Code == 404);

        Assert.True(gone);
        Assert.Equal(200, (await http.GetJsonAsync(Jobs + "/keep")).Code);
    }
}
