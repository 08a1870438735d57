using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class RequestLogTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Every_Request_Is_Recorded_With_Verb_Resource_Namespace_Name_Subresource_And_Code()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Requests.Clear();

        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        await http.GetJsonAsync(KubeHttp.WidgetsPath + "/w");
        await http.GetJsonAsync(KubeHttp.WidgetsPath + "/missing");
        await http.GetJsonAsync(KubeHttp.WidgetsPath);
        await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/w/status", JsonNode.Parse("""{"status":{"phase":"Ready"}}""")!);
        await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/w");
        await http.GetJsonAsync("/version");

        var log = kube.Requests.All;
        Assert.Equal(
            ["create widgets  201", "get widgets w 200", "get widgets missing 404", "list widgets  200", "patch widgets w/status 200", "delete widgets w 200", "get   200"],
            log.Select(r => $"{r.Verb} {r.Resource} {r.Name}{(r.Subresource is null ? "" : "/" + r.Subresource)} {r.StatusCode}"));
        Assert.All(log.Where(r => r.Resource is not null), r => Assert.Equal("default", r.Namespace));
        Assert.Equal("example.dev", log[0].Group);
        Assert.Equal(KubeHttp.Merge, log[4].ContentType);
    }

    [Fact]
    public async Task Writes_Are_Counted_Per_Resource_Including_Failed_And_Status_Writes()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Requests.Clear();

        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.PutJsonAsync(ConfigMaps + "/a", KubeHttp.ConfigMap("a"));
        await http.GetJsonAsync(ConfigMaps + "/a");
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/w/status", JsonNode.Parse("""{"status":{"phase":"x"}}""")!);

        Assert.Equal(3, kube.Requests.Writes("configmaps"));
        Assert.Equal(2, kube.Requests.Writes("widgets"));
        Assert.Equal(1, kube.Requests.Writes("widgets", name: "w"));
        Assert.Equal(1, kube.Requests.Count("create", "widgets"));
        Assert.Equal(1, kube.Requests.Count("patch", "widgets", subresource: "status"));
        Assert.Single(kube.Requests.Where(r => r.StatusCode == 409));
    }

    [Fact]
    public async Task Injected_Failures_Are_Recorded_With_Their_Code()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.Requests.Clear();
        kube.Faults.FailNext(1, 500, new TinyImage.KubeEmulator.RequestMatch("create"));

        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));

        Assert.Equal(500, kube.Requests.All.Single().StatusCode);
        Assert.Equal(1, kube.Requests.Writes("configmaps"));
    }
}
