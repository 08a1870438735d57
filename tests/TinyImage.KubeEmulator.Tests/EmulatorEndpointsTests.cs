using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The emulator's own endpoints under <c>/_emulator/</c>, which benchmarks read from a separate process.</summary>
public sealed class EmulatorEndpointsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Request_Summary_Counts_Reads_And_Writes_By_Verb_And_Resource_For_One_User_Agent()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var bench = kube.CreateHttpClient();
        bench.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("bench", "1"));
        using var other = kube.CreateHttpClient();
        other.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("other", "1"));

        await bench.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await bench.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));
        await bench.GetJsonAsync(ConfigMaps + "/a");
        await other.GetJsonAsync(ConfigMaps);

        var (code, summary) = await bench.GetJsonAsync("/_emulator/requests/summary?userAgent=bench/");

        Assert.Equal(200, code);
        Assert.Equal(3, (int?)summary["total"]);
        Assert.Equal(2, (int?)summary["writes"]);
        Assert.Equal(1, (int?)summary["reads"]);
        Assert.Equal(2, (int?)summary["byResource"]!["create configmaps"]);
        Assert.Equal(1, (int?)summary["byVerb"]!["get"]);
        Assert.Equal(4, kube.Requests.All.Count);
    }

    [Fact]
    public async Task Request_Log_Is_Served_From_An_Offset_With_Microsecond_Times_And_Is_Not_Logged_Itself()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.GetJsonAsync(ConfigMaps + "/a");

        var (_, all) = await http.GetJsonAsync("/_emulator/requests");
        var (_, tail) = await http.GetJsonAsync("/_emulator/requests?from=1");

        var entries = all["requests"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal(2, (int?)all["next"]);
        Assert.Equal("create", (string?)entries[0]!["verb"]);
        Assert.Equal("a", (string?)entries[1]!["name"]);
        Assert.True((long)entries[1]!["t"]! >= (long)entries[0]!["t"]!);
        Assert.Equal(kube.Requests.All[0].Time.ToUnixTimeMilliseconds(), (long)entries[0]!["t"]! / 1000);
        Assert.Equal("get", (string?)tail["requests"]!.AsArray().Single()!["verb"]);
        Assert.Equal(2, kube.Requests.All.Count);
    }

    [Fact]
    public async Task Job_Completions_List_Each_Completed_Job_With_Its_Message()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        var digests = new[] { "sha256:" + new string('a', 64), "sha256:" + new string('b', 64) };
        var next = 0;
        kube.Jobs.Runner = JobRunners.CompleteWith(_ => digests[next++ % 2]);

        foreach (var name in new[] { "one", "two" })
        {
            await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", Job(name));
            Assert.True(
                await KubeHttp.EventuallyAsync(() => kube.Jobs.Completions.Any(c => c.Name == name), TimeSpan.FromSeconds(5)),
                "job " + name + " was not completed within 5 s");
        }

        using var response = await http.GetAsync(new Uri("/_emulator/jobs/completions", UriKind.Relative), KubeHttp.Bounded());
        var completions = JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsArray();

        Assert.Equal(["one", "two"], completions.Select(c => (string?)c!["name"]));
        Assert.Equal(digests, completions.Select(c => (string?)c!["message"]));
        Assert.All(completions, c => Assert.True((bool)c!["succeeded"]!));
    }

    [Fact]
    public async Task Runtime_Counters_Are_Cumulative_And_Count_The_Allocation_Of_Requests_Served_Between_Two_Reads()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();

        var (code, before) = await http.GetJsonAsync("/_emulator/runtime");
        for (var i = 0; i < 20; i++)
        {
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c" + i));
        }

        var (_, after) = await http.GetJsonAsync("/_emulator/runtime");

        Assert.Equal(200, code);
        // Twenty creates parse, admit, store and serialize twenty objects: the process allocated for them between the reads.
        Assert.True((long)after["allocatedBytes"]! > (long)before["allocatedBytes"]!, $"{before} -> {after}");
        Assert.True((long)after["jitMethods"]! >= (long)before["jitMethods"]!);
        Assert.True((double)after["jitMilliseconds"]! >= (double)before["jitMilliseconds"]!);
        Assert.True((double)after["gcPauseMilliseconds"]! >= (double)before["gcPauseMilliseconds"]!);
        // Kestrel serves each request on the thread pool (the connection's read completes there): twenty requests, at least
        // twenty work items. The counter is the whole process's, the test's own client included, so only a floor is known.
        Assert.True((long)after["threadPoolWorkItems"]! - (long)before["threadPoolWorkItems"]! >= 20, $"{before} -> {after}");
        Assert.True((int)after["threadPoolThreads"]! > 0);
        var collections = after["collections"]!.AsArray();
        Assert.Equal(GC.MaxGeneration + 1, collections.Count);
        Assert.All(collections.Zip(before["collections"]!.AsArray()), p => Assert.True((int)p.First! >= (int)p.Second!));
        Assert.False((bool)after["nativeAot"]!); // the tests run the emulator JIT-compiled, in-process
        Assert.Equal(20, kube.Requests.All.Count);
    }

    private static JsonObject Job(string name) => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "kaniko", ["image"] = "kaniko:latest" }),
                },
            },
        },
    };
}
