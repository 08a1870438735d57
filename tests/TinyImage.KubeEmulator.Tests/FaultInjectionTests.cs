using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class FaultInjectionTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task FailNext_Fails_Exactly_K_Matching_Requests_With_A_Kubernetes_Status()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));
        kube.Faults.FailNext(2, 429, new RequestMatch("patch", "configmaps"));

        var (read, _) = await http.GetJsonAsync(ConfigMaps + "/c");
        using var first = await http.PatchAsync(ConfigMaps + "/c", new StringContent("""{"data":{"k":"1"}}""", null, KubeHttp.Merge), KubeHttp.Bounded());
        var (second, body) = await http.PatchJsonAsync(ConfigMaps + "/c", JsonNode.Parse("""{"data":{"k":"2"}}""")!);
        var (third, patched) = await http.PatchJsonAsync(ConfigMaps + "/c", JsonNode.Parse("""{"data":{"k":"3"}}""")!);

        Assert.Equal(200, read);
        Assert.Equal(429, (int)first.StatusCode);
        Assert.Equal("1", first.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(429, second);
        Assert.Equal("TooManyRequests", (string?)body["reason"]);
        Assert.Equal(200, third);
        Assert.Equal("3", (string?)patched["data"]!["k"]);
        Assert.Equal(2, kube.Faults.InjectedFailures);
    }

    [Theory]
    [InlineData(409, "Conflict")]
    [InlineData(500, "InternalError")]
    public async Task FailNext_Answers_With_The_Reason_Of_The_Code(int code, string reason)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Faults.FailNext(1, code, new RequestMatch("create", "widgets"));

        var (failed, body) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        var (retried, _) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));

        Assert.Equal(code, failed);
        Assert.Equal(reason, (string?)body["reason"]);
        Assert.Equal(201, retried);
    }

    [Fact]
    public async Task FailWithProbability_Fails_Some_But_Not_All_Requests_Repeatably()
    {
        static async Task<List<int>> RunAsync()
        {
            await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { RandomSeed = 7 });
            var http = kube.CreateHttpClient();
            kube.Faults.FailWithProbability(0.5, 500, new RequestMatch(Verb: "get"));
            var codes = new List<int>();
            for (var i = 0; i < 40; i++)
            {
                codes.Add((await http.GetJsonAsync("/api/v1/namespaces/default")).Code);
            }

            return codes;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Contains(500, first);
        Assert.Contains(200, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Latency_Holds_Matching_Requests_Until_The_Clock_Passes_It()
    {
        var clock = new FakeTimeProvider();
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        var http = kube.CreateHttpClient();
        kube.Faults.AddLatency(TimeSpan.FromSeconds(30), new RequestMatch("list", "configmaps"));

        var slow = http.GetJsonAsync(ConfigMaps);
        var (fast, _) = await http.GetJsonAsync(KubeHttp.WidgetsPath);
        var heldWhileClockStood = !slow.IsCompleted;
        var released = await KubeHttp.EventuallyAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            return slow.IsCompleted;
        });

        Assert.Equal(200, fast);
        Assert.True(heldWhileClockStood);
        Assert.True(released);
        Assert.Equal(200, (await slow).Code);
    }

    [Fact]
    public async Task CloseAllWatches_Ends_Every_Open_Stream_Cleanly()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await using var a = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + kube.ResourceVersion);
        await using var b = await WatchStream.OpenAsync(http, KubeHttp.WidgetsPath + "?watch=true&resourceVersion=" + kube.ResourceVersion);
        await KubeHttp.EventuallyAsync(() => kube.Requests.Count("watch") == 2);

        var closed = kube.Faults.CloseAllWatches();

        Assert.Equal(2, closed);
        Assert.Empty(await a.ReadToEndAsync());
        Assert.Empty(await b.ReadToEndAsync());
    }

    [Fact]
    public async Task CloseWatchesEveryEvents_Ends_A_Stream_After_N_Events_And_The_Client_Can_Resume()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Faults.CloseWatchesEveryEvents = 2;
        foreach (var n in new[] { "a", "b", "c" })
        {
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap(n));
        }

        await using var first = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=1");
        var firstEvents = await first.ReadToEndAsync();
        await using var resumed = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + firstEvents[^1].Object.Rv());
        var resumedEvents = await resumed.TakeAsync(1);

        Assert.Equal(["a", "b"], firstEvents.Select(e => (string?)e.Object["metadata"]!["name"]));
        Assert.Equal("c", (string?)resumedEvents[0].Object["metadata"]!["name"]);
    }

    [Fact]
    public async Task ShrinkWatchHistory_Makes_Older_ResourceVersions_Expire()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, a) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        var (_, b) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));

        kube.Faults.ShrinkWatchHistory(1);
        await using var expired = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + a.Rv());
        await using var fine = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + b.Rv());

        var expiredEvent = await expired.NextAsync();
        var fineEvent = await fine.NextAsync();
        Assert.Equal("ERROR", expiredEvent!.Value.Type);
        Assert.Equal(410, (int?)expiredEvent.Value.Object["code"]);
        Assert.Equal("ADDED", fineEvent!.Value.Type);
        Assert.Equal("c", (string?)fineEvent.Value.Object["metadata"]!["name"]);
    }

    [Fact]
    public async Task Clear_Removes_Failure_Rules()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Faults.FailWithProbability(1.0, 503);

        var (failed, _) = await http.GetJsonAsync(ConfigMaps);
        kube.Faults.Clear();
        var (ok, _) = await http.GetJsonAsync(ConfigMaps);

        Assert.Equal(503, failed);
        Assert.Equal(200, ok);
    }
}
