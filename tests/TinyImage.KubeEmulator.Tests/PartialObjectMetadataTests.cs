using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>Metadata-only get, list and watch (Accept <c>as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1</c>), as metadata informers use them.</summary>
public sealed class PartialObjectMetadataTests
{
    private const string Accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

    [Fact]
    public async Task List_And_Get_Return_Metadata_Only()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", KubeHttp.ConfigMap("a", labels: new Dictionary<string, string> { ["x"] = "1" }, data: new Dictionary<string, string> { ["big"] = "data" }));

        var list = await GetAsync(http, "/api/v1/namespaces/default/configmaps?labelSelector=x%3D1");
        var one = await GetAsync(http, "/api/v1/namespaces/default/configmaps/a");

        Assert.Equal("PartialObjectMetadataList", (string?)list["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)list["apiVersion"]);
        Assert.NotNull(list["metadata"]!["resourceVersion"]);
        var item = list["items"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["kind", "apiVersion", "metadata"], item.Select(p => p.Key));
        Assert.Equal("PartialObjectMetadata", (string?)item["kind"]);
        Assert.Equal("1", (string?)item["metadata"]!["labels"]!["x"]);
        Assert.Equal(["kind", "apiVersion", "metadata"], one.Select(p => p.Key));
        Assert.Equal("a", (string?)one["metadata"]!["name"]);
    }

    [Fact]
    public async Task A_Watch_Streams_Metadata_Only_Events()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", KubeHttp.ConfigMap("w", data: new Dictionary<string, string> { ["k"] = "v" }));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5", UriKind.Relative));
        request.Headers.Accept.ParseAdd(Accept);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, KubeHttp.Bounded());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(KubeHttp.Bounded()));
        var line = await reader.ReadLineAsync(KubeHttp.Bounded());
        var e = JsonNode.Parse(line!)!.AsObject();

        Assert.Equal("ADDED", (string?)e["type"]);
        Assert.Equal("PartialObjectMetadata", (string?)e["object"]!["kind"]);
        Assert.Equal("w", (string?)e["object"]!["metadata"]!["name"]);
        Assert.Null(e["object"]!["data"]);
    }

    private static async Task<JsonObject> GetAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd(Accept);
        using var response = await http.SendAsync(request, KubeHttp.Bounded());
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(KubeHttp.Bounded()))!.AsObject();
    }
}
