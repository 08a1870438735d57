using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>generateName suffixes (names.SimpleNameGenerator) come from ApiServerEmulatorOptions.RandomSeed.</summary>
public sealed class GeneratedNameTests
{
    /// <summary>A ConfigMap by generateName, a Job's pod from the Job controller, another ConfigMap: the names they got.</summary>
    private static async Task<List<string>> NamesOfARunAsync(int seed)
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { RandomSeed = seed });
        var http = kube.CreateHttpClient();
        var names = new List<string>();
        foreach (var prefix in new[] { "first-", "second-" })
        {
            var cm = KubeHttp.ConfigMap("unused");
            cm["metadata"]!.AsObject().Remove("name");
            cm["metadata"]!["generateName"] = prefix;
            var (code, created) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", cm);
            Assert.Equal(201, code);
            names.Add((string)created["metadata"]!["name"]!);
            if (prefix == "first-")
            {
                await http.PostJsonAsync("/apis/batch/v1/namespaces/default/jobs", JobControllerTests.Job("build", "default"));
                Assert.True(await KubeHttp.EventuallyAsync(() => kube.Jobs.PodsOf("default", "build").Count == 1));
                names.Add((string)kube.Jobs.PodsOf("default", "build")[0]["metadata"]!["name"]!);
            }
        }

        return names;
    }

    [Fact]
    public async Task Generated_Names_Repeat_For_The_Same_Seed_And_Differ_For_Another()
    {
        var first = await NamesOfARunAsync(7);
        var again = await NamesOfARunAsync(7);
        var other = await NamesOfARunAsync(8);

        Assert.Equal(3, first.Count);
        Assert.Matches("^first-[bcdfghjklmnpqrstvwxz2456789]{5}$", first[0]);
        Assert.Matches("^build-[bcdfghjklmnpqrstvwxz2456789]{5}$", first[1]);
        Assert.Matches("^second-[bcdfghjklmnpqrstvwxz2456789]{5}$", first[2]);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}
