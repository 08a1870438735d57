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

    [Fact]
    public async Task Each_Metadata_Only_Event_Is_Byte_For_Byte_The_Metadata_Only_Get_Of_That_Version()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        var configMap = KubeHttp.ConfigMap("b", labels: new Dictionary<string, string> { ["x"] = "1" }, data: new Dictionary<string, string> { ["k"] = "v" });
        configMap["metadata"]!["annotations"] = new JsonObject { ["note"] = "<&> \"quoted\" \u00e9" }; // escaped as the server escapes them
        var (_, created) = await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", configMap);

        var events = EventLines(await RawWatchAsync(kube, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1", Accept));
        var get = await GetTextAsync(http, "/api/v1/namespaces/default/configmaps/b");

        Assert.Equal("{\"type\":\"ADDED\",\"object\":" + get + "}", Assert.Single(events));
        Assert.Contains(created.Rv(), get, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Burst_Of_Metadata_Only_Events_Is_Flushed_Once_When_No_Further_Event_Is_Pending_As_Full_Events_Are()
    {
        // The real WatchServer.HandleHTTP writes each event and flushes only when its channel is empty (len(ch) == 0): events
        // queued together go out in one flush, one HTTP chunk. A watch from resourceVersion 1 finds its three events queued.
        await using var kube = await KubeHttp.StartAsync();
        using var http = kube.CreateHttpClient();
        foreach (var name in new[] { "c1", "c2", "c3" })
        {
            await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", KubeHttp.ConfigMap(name));
        }

        const string Path = "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1";
        var metadataOnly = await RawWatchAsync(kube, Path, Accept);
        var full = await RawWatchAsync(kube, Path, "application/json");

        Assert.Equal(3, EventLines(full).Count);
        Assert.Single(full);
        Assert.Equal(3, EventLines(metadataOnly).Count);
        Assert.All(EventLines(metadataOnly), line => Assert.Contains("\"kind\":\"PartialObjectMetadata\"", line, StringComparison.Ordinal));
        Assert.Single(metadataOnly);
    }

    /// <summary>The chunks of a watch response's body (HTTP/1.1 chunked transfer coding), read off the socket to its end.</summary>
    private static async Task<List<string>> RawWatchAsync(ApiServerEmulator kube, string pathAndQuery, string accept)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, kube.Port, KubeHttp.Bounded());
        await using var stream = tcp.GetStream();
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), KubeHttp.Bounded());
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, KubeHttp.Bounded());
        var text = System.Text.Encoding.UTF8.GetString(all.ToArray());
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", text[..headerEnd], StringComparison.OrdinalIgnoreCase);
        var chunks = new List<string>();
        var at = headerEnd + 4;
        while (true)
        {
            var sizeEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(text[at..sizeEnd], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return chunks;
            }

            chunks.Add(text.Substring(sizeEnd + 2, size)); // the bodies here are ASCII: characters are bytes
            at = sizeEnd + 2 + size + 2;
        }
    }

    private static List<string> EventLines(List<string> chunks) =>
        [.. string.Concat(chunks).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static async Task<string> GetTextAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd(Accept);
        using var response = await http.SendAsync(request, KubeHttp.Bounded());
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync(KubeHttp.Bounded());
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
