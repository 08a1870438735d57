using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class DiscoveryTests
{
    [Fact]
    public async Task Version_And_Group_Discovery_Describe_The_Served_Api()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (_, version) = await http.GetJsonAsync("/version");
        var (_, core) = await http.GetJsonAsync("/api");
        var (_, groups) = await http.GetJsonAsync("/apis");
        var (_, apps) = await http.GetJsonAsync("/apis/apps");

        Assert.Equal("1", (string?)version["major"]);
        Assert.Equal("35", (string?)version["minor"]);
        Assert.Equal("APIVersions", (string?)core["kind"]);
        Assert.Equal("v1", (string?)core["versions"]![0]);
        var names = groups["groups"]!.AsArray().Select(g => (string?)g!["name"]).ToList();
        Assert.Contains("apps", names);
        Assert.Contains("batch", names);
        Assert.Contains("coordination.k8s.io", names);
        Assert.Contains("events.k8s.io", names);
        Assert.Contains("apiextensions.k8s.io", names);
        Assert.Contains("example.dev", names);
        Assert.Equal("apps/v1", (string?)apps["preferredVersion"]!["groupVersion"]);
    }

    [Fact]
    public async Task Resource_Lists_Carry_Verbs_Scope_Short_Names_And_Subresources()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (_, core) = await http.GetJsonAsync("/api/v1");
        var (_, apps) = await http.GetJsonAsync("/apis/apps/v1");

        JsonNode Find(JsonObject list, string name) => list["resources"]!.AsArray().Single(r => (string?)r!["name"] == name)!;
        Assert.Equal("APIResourceList", (string?)core["kind"]);
        Assert.Equal("cm", (string?)Find(core, "configmaps")["shortNames"]![0]);
        Assert.False((bool)Find(core, "namespaces")["namespaced"]!);
        Assert.Contains("watch", Find(core, "configmaps")["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["get"], Find(core, "pods/log")["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("Deployment", (string?)Find(apps, "deployments/status")["kind"]);
        Assert.Equal(["get", "patch", "update"], Find(apps, "deployments/status")["verbs"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public async Task Get_With_Table_Accept_Header_Returns_A_Table_With_Printer_Columns()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/w/status",
            JsonNode.Parse("""{"status":{"phase":"Ready","conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""")!);

        var (code, table) = await http.SendAsync(HttpMethod.Get, KubeHttp.WidgetsPath, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        var (_, plain) = await http.GetJsonAsync(KubeHttp.WidgetsPath);

        Assert.Equal(200, code);
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal(["Name", "Phase", "Ready"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("""["w","Ready","True"]""", table["rows"]![0]!["cells"]!.ToJsonString());
        Assert.Equal("PartialObjectMetadata", (string?)table["rows"]![0]!["object"]!["kind"]);
        Assert.Equal("WidgetList", (string?)plain["kind"]);
    }

    [Fact]
    public async Task OpenApi_V3_Is_Served_And_V2_Is_Not_So_Kubectl_Uses_V3()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (v2, _) = await http.GetJsonAsync("/openapi/v2");
        var (v3, _) = await http.GetJsonAsync("/openapi/v3");

        Assert.Equal((404, 200), (v2, v3));
    }
}
