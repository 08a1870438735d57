using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Watch_Without_ResourceVersion_Replays_Current_State_As_Added_Then_Streams_Changes()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));

        await using var watch = await WatchStream.OpenAsync(kube.CreateHttpClient(), ConfigMaps + "?watch=true");
        var initial = await watch.TakeAsync(2);
        await http.PatchJsonAsync(ConfigMaps + "/a", JsonNode.Parse("""{"data":{"k":"changed"}}""")!);
        await http.DeleteJsonAsync(ConfigMaps + "/b");
        var (_, c) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("c"));
        var live = await watch.TakeAsync(3);

        Assert.Equal(200, watch.StatusCode);
        Assert.Equal(["ADDED a", "ADDED b"], initial.Select(e => e.Type + " " + (string?)e.Object["metadata"]!["name"]));
        Assert.Equal(["MODIFIED a", "DELETED b", "ADDED c"], live.Select(e => e.Type + " " + (string?)e.Object["metadata"]!["name"]));
        Assert.Equal("changed", (string?)live[0].Object["data"]!["k"]);
        Assert.Equal(c.Rv(), live[2].Object.Rv());
        Assert.Equal("ConfigMap", (string?)live[1].Object["kind"]);
    }

    [Fact]
    public async Task Watch_From_ResourceVersion_Zero_Also_Replays_Current_State()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));

        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=1&resourceVersion=0");
        var first = await watch.TakeAsync(1);

        Assert.Equal("ADDED", first[0].Type);
        Assert.Equal("a", (string?)first[0].Object["metadata"]!["name"]);
    }

    [Fact]
    public async Task Watch_Resumes_After_A_ResourceVersion_Without_Replaying_Earlier_Events()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        var (_, list) = await http.GetJsonAsync(ConfigMaps);
        var listRv = (string)list["metadata"]!["resourceVersion"]!;
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));
        await http.PatchJsonAsync(ConfigMaps + "/a", JsonNode.Parse("""{"data":{"k":"2"}}""")!);

        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + listRv);
        var missed = await watch.TakeAsync(2);

        Assert.Equal(["ADDED b", "MODIFIED a"], missed.Select(e => e.Type + " " + (string?)e.Object["metadata"]!["name"]));
    }

    [Fact]
    public async Task Watch_Of_One_Namespace_Ignores_Other_Namespaces_And_Other_Resources()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.CreateNamespace("other");
        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + kube.ResourceVersion);

        await http.PostJsonAsync("/api/v1/namespaces/other/configmaps", KubeHttp.ConfigMap("elsewhere", "other"));
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("here"));
        var first = await watch.TakeAsync(1);

        Assert.Equal("here", (string?)first[0].Object["metadata"]!["name"]);
    }

    [Fact]
    public async Task Watch_From_An_Expired_ResourceVersion_Streams_One_Error_Event_With_410_Expired()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { WatchHistoryCapacity = 3 });
        var http = kube.CreateHttpClient();
        var (_, first) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        foreach (var n in new[] { "b", "c", "d", "e" })
        {
            await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap(n));
        }

        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + first.Rv());
        var events = await watch.ReadToEndAsync();

        Assert.Equal(200, watch.StatusCode);
        var (type, status) = Assert.Single(events);
        Assert.Equal("ERROR", type);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal(410, (int?)status["code"]);
        Assert.Equal("Expired", (string?)status["reason"]);
        Assert.StartsWith("too old resource version: " + first.Rv(), (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_From_An_Expired_ResourceVersion_Can_Answer_Http_410_Instead()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { ExpiredWatchAsHttpError = true });
        var http = kube.CreateHttpClient();
        var (_, first) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("b"));
        kube.Faults.CompactWatchHistory();

        var (code, body) = await http.GetJsonAsync(ConfigMaps + "?watch=true&resourceVersion=" + first.Rv());
        await using var current = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&resourceVersion=" + kube.ResourceVersion);

        Assert.Equal(410, code);
        Assert.Equal("Expired", (string?)body["reason"]);
        Assert.Equal(200, current.StatusCode);
    }

    [Fact]
    public async Task Watch_With_Bookmarks_Allowed_Sends_Periodic_Bookmarks_With_The_Current_ResourceVersion()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("w"));
        await using var watch = await WatchStream.OpenAsync(http, KubeHttp.WidgetsPath + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + kube.ResourceVersion);
        var (_, unrelated) = await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("unrelated"));
        var target = long.Parse(unrelated.Rv(), System.Globalization.CultureInfo.InvariantCulture);

        var bookmarks = new List<JsonObject>();
        while (bookmarks.Count == 0 || long.Parse(bookmarks[^1].Rv(), System.Globalization.CultureInfo.InvariantCulture) < target)
        {
            var e = await watch.NextAsync() ?? throw new InvalidOperationException("watch ended");
            Assert.Equal("BOOKMARK", e.Type);
            bookmarks.Add(e.Object);
        }

        Assert.All(bookmarks, b => Assert.Equal("Widget", (string?)b["kind"]));
        Assert.All(bookmarks, b => Assert.Equal("example.dev/v1", (string?)b["apiVersion"]));
        Assert.Equal(unrelated.Rv(), bookmarks[^1].Rv());
    }

    [Fact]
    public async Task Watch_Without_Bookmarks_Allowed_Never_Sends_Them()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(10) });
        var http = kube.CreateHttpClient();
        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&timeoutSeconds=1&resourceVersion=" + kube.ResourceVersion);

        var events = await watch.ReadToEndAsync();

        Assert.Empty(events);
    }

    [Fact]
    public async Task Watch_With_SendInitialEvents_Ends_The_Initial_List_With_An_Annotated_Bookmark()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));

        await using var watch = await WatchStream.OpenAsync(http,
            ConfigMaps + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        var added = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal("ADDED", added!.Value.Type);
        Assert.Equal("BOOKMARK", end!.Value.Type);
        Assert.Equal("true", (string?)end.Value.Object["metadata"]!["annotations"]!["k8s.io/initial-events-end"]);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_Ends_The_Stream()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&timeoutSeconds=1&resourceVersion=" + kube.ResourceVersion);

        var ended = await watch.NextAsync(TimeSpan.FromSeconds(15));

        Assert.Null(ended);
    }

    [Fact]
    public async Task Watch_With_Label_Selector_Reports_Objects_Entering_And_Leaving_The_Selection()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("a"));
        await using var watch = await WatchStream.OpenAsync(http, ConfigMaps + "?watch=true&labelSelector=team%3Dblue&resourceVersion=" + kube.ResourceVersion);

        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("red", labels: new Dictionary<string, string> { ["team"] = "red" }));
        await http.PatchJsonAsync(ConfigMaps + "/a", JsonNode.Parse("""{"metadata":{"labels":{"team":"blue"}}}""")!);
        await http.PatchJsonAsync(ConfigMaps + "/a", JsonNode.Parse("""{"data":{"k":"2"}}""")!);
        await http.PatchJsonAsync(ConfigMaps + "/a", JsonNode.Parse("""{"metadata":{"labels":{"team":"green"}}}""")!);
        var events = await watch.TakeAsync(3);

        Assert.Equal(["ADDED a", "MODIFIED a", "DELETED a"], events.Select(e => e.Type + " " + (string?)e.Object["metadata"]!["name"]));
    }

    [Fact]
    public async Task Watch_With_Field_Selector_On_Name_Sees_Only_That_Object()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await using var watch = await WatchStream.OpenAsync(http, KubeHttp.WidgetsPath + "?watch=true&fieldSelector=metadata.name%3Dtarget");

        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("other"));
        await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("target"));
        var events = await watch.TakeAsync(1);

        Assert.Equal("target", (string?)events[0].Object["metadata"]!["name"]);
    }

    [Fact]
    public async Task Watch_Across_All_Namespaces_Sees_Every_Namespace()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.CreateNamespace("other");
        await using var watch = await WatchStream.OpenAsync(http, "/api/v1/configmaps?watch=true&resourceVersion=" + kube.ResourceVersion);

        await http.PostJsonAsync("/api/v1/namespaces/other/configmaps", KubeHttp.ConfigMap("x", "other"));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("y"));
        var events = await watch.TakeAsync(2);

        Assert.Equal(["other/x", "default/y"], events.Select(e => (string?)e.Object["metadata"]!["namespace"] + "/" + (string?)e.Object["metadata"]!["name"]));
    }
}
