using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Builtins;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>
/// The service IP allocator hands out the lowest free clusterIP from 10.96.0.10 on, and the record that makes allocation cheap
/// (the scan starts at the lowest address that may be free) never skips an address a deleted Service gave back.
/// </summary>
public sealed class ServiceIpAllocationTests
{
    private const string Services = "/api/v1/namespaces/default/services";

    private static JsonObject Service(string name, string? clusterIp = null)
    {
        var spec = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) };
        if (clusterIp is not null)
        {
            spec["clusterIP"] = clusterIp;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    [Fact]
    public void The_Lowest_Free_Address_Is_Given_And_A_Released_One_Is_Given_Again()
    {
        var ips = new ClusterIpRecord();

        var first = ips.NextFree("default/a");
        ips.Set("default/a", first);
        var second = ips.NextFree("default/b");
        ips.Set("default/b", second);
        var third = ips.NextFree("default/c");
        ips.Set("default/c", third);
        ips.Set("default/b", null);
        var reused = ips.NextFree("default/d");
        ips.Set("default/d", reused);
        var next = ips.NextFree("default/e");

        Assert.Equal(["10.96.0.10", "10.96.0.11", "10.96.0.12"], [first, second, third]);
        Assert.Equal("10.96.0.11", reused);
        Assert.Equal("10.96.0.13", next);
        Assert.Equal("default/d", ips.Holder("10.96.0.11"));
        Assert.Null(ips.Holder("10.96.0.13"));
    }

    [Fact]
    public void An_Address_Chosen_By_A_Service_Is_Skipped_And_One_Held_By_The_Asking_Service_Counts_As_Free()
    {
        var ips = new ClusterIpRecord();
        ips.Set("default/pinned", "10.96.0.10");
        ips.Set("default/self", "10.96.0.11");

        Assert.Equal("10.96.0.12", ips.NextFree("default/new"));
        Assert.Equal("10.96.0.11", ips.NextFree("default/self"));

        // Moving a Service to another address gives its old one back.
        ips.Set("default/pinned", "10.96.0.40");
        Assert.Equal("10.96.0.10", ips.NextFree("default/new"));
        Assert.Equal("default/pinned", ips.Holder("10.96.0.40"));
        Assert.Null(ips.Holder("10.96.0.10"));
    }

    [Fact]
    public async Task A_Deleted_Services_Address_Goes_To_The_Next_Service_That_Asks()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, a) = await http.PostJsonAsync(Services, Service("a"));
        var (_, b) = await http.PostJsonAsync(Services, Service("b"));
        var (_, c) = await http.PostJsonAsync(Services, Service("c", "10.96.0.12"));

        var (deleted, _) = await http.DeleteJsonAsync(Services + "/b");
        var (_, d) = await http.PostJsonAsync(Services, Service("d"));
        var (_, e) = await http.PostJsonAsync(Services, Service("e"));
        var (taken, refused) = await http.PostJsonAsync(Services, Service("f", "10.96.0.11"));

        Assert.Equal("10.96.0.10", (string?)a["spec"]!["clusterIP"]);
        Assert.Equal("10.96.0.11", (string?)b["spec"]!["clusterIP"]);
        Assert.Equal("10.96.0.12", (string?)c["spec"]!["clusterIP"]);
        Assert.Equal(200, deleted);
        Assert.Equal("10.96.0.11", (string?)d["spec"]!["clusterIP"]);
        Assert.Equal("10.96.0.13", (string?)e["spec"]!["clusterIP"]);
        Assert.Equal(422, taken);
        Assert.Contains("provided IP is already allocated", (string?)refused["message"], StringComparison.Ordinal);
    }
}
