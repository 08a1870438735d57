using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// core/v1 and events.k8s.io/v1 Events are one storage served under both APIs (pkg/apis/events/v1/conversion.go,
/// pkg/registry/core/event/strategy.go).
/// </summary>
public sealed class EventStorageTests
{
    private const string CoreEvents = "/api/v1/namespaces/default/events";
    private const string EventsV1 = "/apis/events.k8s.io/v1/namespaces/default/events";

    private static JsonObject CoreEvent(string name, string about) => JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"NAME","namespace":"default"},
         "involvedObject":{"apiVersion":"v1","kind":"Pod","namespace":"default","name":"ABOUT","uid":"u-ABOUT"},
         "reason":"Pulled","message":"Pulled the image","type":"Normal","source":{"component":"kubelet","host":"node-1"},
         "firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:01:00Z","count":3,
         "reportingComponent":"","reportingInstance":""}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("ABOUT", about, StringComparison.Ordinal))!.AsObject();

    private static JsonObject NewEvent(string name) => JsonNode.Parse("""
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"NAME","namespace":"default"},
         "eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"tinyimage.dev/operator","reportingInstance":"op-1",
         "action":"Building","reason":"BuildStarted","note":"started the build","type":"Normal",
         "regarding":{"apiVersion":"tinyimage.dev/v1alpha1","kind":"TinyImage","namespace":"default","name":"hello","uid":"u-hello"}}
        """.Replace("NAME", name, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task A_Core_Event_Is_Served_Under_Events_K8s_Io_With_Its_Fields_Converted()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (createCode, created) = await http.PostJsonAsync(CoreEvents, CoreEvent("pulled", "web"));

        var (code, ev) = await http.GetJsonAsync(EventsV1 + "/pulled");

        Assert.Equal(201, createCode);
        Assert.Equal(200, code);
        Assert.Equal("events.k8s.io/v1", (string?)ev["apiVersion"]);
        Assert.Equal(created.Rv(), ev.Rv());
        Assert.Equal("web", (string?)ev["regarding"]!["name"]);
        Assert.Equal("u-web", (string?)ev["regarding"]!["uid"]);
        Assert.Equal("Pulled the image", (string?)ev["note"]);
        Assert.Equal("kubelet", (string?)ev["deprecatedSource"]!["component"]);
        Assert.Equal("2026-01-01T00:00:00Z", (string?)ev["deprecatedFirstTimestamp"]);
        Assert.Equal("2026-01-01T00:01:00Z", (string?)ev["deprecatedLastTimestamp"]);
        Assert.Equal(3, (int?)ev["deprecatedCount"]);
        Assert.True(ev.ContainsKey("eventTime"));
        Assert.Null(ev["eventTime"]);
        Assert.False(ev.ContainsKey("reportingController")); // empty: omitted in events/v1
        Assert.False(ev.ContainsKey("reportingInstance"));
        foreach (var coreOnly in new[] { "involvedObject", "message", "source", "firstTimestamp", "lastTimestamp", "count", "reportingComponent" })
        {
            Assert.False(ev.ContainsKey(coreOnly), coreOnly);
        }
    }

    [Fact]
    public async Task An_Events_K8s_Io_Event_Is_Stored_Once_And_Read_As_Core_And_A_Series_Patch_Shows_In_Both()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (createCode, created) = await http.PostJsonAsync(EventsV1, NewEvent("hello.1"));
        var (patchCode, patched) = await http.PatchJsonAsync(EventsV1 + "/hello.1",
            JsonNode.Parse("""{"series":{"count":2,"lastObservedTime":"2026-01-01T00:05:00.000000Z"}}""")!);

        var (code, core) = await http.GetJsonAsync(CoreEvents + "/hello.1");
        var (_, coreList) = await http.GetJsonAsync(CoreEvents);
        var (_, v1List) = await http.GetJsonAsync(EventsV1);

        Assert.Equal(201, createCode);
        Assert.Equal("events.k8s.io/v1", (string?)created["apiVersion"]);
        Assert.Equal("started the build", (string?)created["note"]);
        Assert.Equal(200, patchCode);
        Assert.Equal(2, (int?)patched["series"]!["count"]);
        Assert.Equal("started the build", (string?)patched["note"]);
        Assert.Equal(200, code);
        Assert.Equal("v1", (string?)core["apiVersion"]);
        Assert.Equal(patched.Rv(), core.Rv());
        Assert.Equal("hello", (string?)core["involvedObject"]!["name"]);
        Assert.Equal("started the build", (string?)core["message"]);
        Assert.Equal("tinyimage.dev/operator", (string?)core["reportingComponent"]);
        Assert.Equal("op-1", (string?)core["reportingInstance"]);
        Assert.Equal("Building", (string?)core["action"]);
        Assert.Equal(2, (int?)core["series"]!["count"]);
        Assert.Null(core["firstTimestamp"]);
        Assert.False(core.ContainsKey("regarding"));
        Assert.False(core.ContainsKey("note"));
        Assert.Single(coreList["items"]!.AsArray());
        Assert.Single(v1List["items"]!.AsArray());
        Assert.Equal("v1", (string?)coreList["apiVersion"]);
        Assert.Equal("events.k8s.io/v1", (string?)v1List["apiVersion"]);
    }

    [Fact]
    public async Task Field_Selectors_Work_Under_Both_Apis_On_The_Same_Events_And_Each_Api_Names_Its_Own_Fields()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(CoreEvents, CoreEvent("about-web", "web"));
        await http.PostJsonAsync(CoreEvents, CoreEvent("about-db", "db"));
        await http.PostJsonAsync(EventsV1, NewEvent("hello.1"));

        async Task<string[]> NamesAsync(string path)
        {
            var (code, list) = await http.GetJsonAsync(path);
            Assert.Equal(200, code);
            return [.. list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(["about-web"], await NamesAsync(EventsV1 + "?fieldSelector=regarding.name%3Dweb"));
        Assert.Equal(["about-web"], await NamesAsync(EventsV1 + "?fieldSelector=regarding.uid%3Du-web,reason%3DPulled,type%3DNormal"));
        Assert.Equal(["about-web"], await NamesAsync(CoreEvents + "?fieldSelector=involvedObject.uid%3Du-web"));
        Assert.Equal(["hello.1"], await NamesAsync(EventsV1 + "?fieldSelector=reportingController%3Dtinyimage.dev/operator"));
        Assert.Equal(["hello.1"], await NamesAsync(CoreEvents + "?fieldSelector=reportingComponent%3Dtinyimage.dev/operator,involvedObject.kind%3DTinyImage"));
        Assert.Equal(["about-db", "about-web"], await NamesAsync(CoreEvents + "?fieldSelector=source%3Dkubelet"));
        // source falls back to the reporting controller when source.component is empty.
        Assert.Equal(["hello.1"], await NamesAsync(EventsV1 + "?fieldSelector=source%3Dtinyimage.dev/operator"));

        var (v1Bad, v1Error) = await http.GetJsonAsync(EventsV1 + "?fieldSelector=involvedObject.name%3Dweb");
        var (coreBad, coreError) = await http.GetJsonAsync(CoreEvents + "?fieldSelector=regarding.name%3Dweb");
        Assert.Equal(400, v1Bad);
        Assert.Contains("field label not supported: involvedObject.name", (string?)v1Error["message"], StringComparison.Ordinal);
        Assert.Equal(400, coreBad);
        Assert.Contains("field label not supported: regarding.name", (string?)coreError["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Watch_Under_Events_K8s_Io_Sees_Core_Writes_Converted_And_Filtered_By_Regarding()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var rv = kube.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var watch = await WatchStream.OpenAsync(http, EventsV1 + "?watch=true&fieldSelector=regarding.name%3Dweb&resourceVersion=" + rv);

        await http.PostJsonAsync(CoreEvents, CoreEvent("about-db", "db"));
        await http.PostJsonAsync(CoreEvents, CoreEvent("about-web", "web"));
        await http.DeleteJsonAsync(EventsV1 + "/about-web");
        var events = await watch.TakeAsync(2);

        Assert.Equal(["ADDED", "DELETED"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("about-web", (string?)e.Object["metadata"]!["name"]));
        Assert.Equal("events.k8s.io/v1", (string?)events[0].Object["apiVersion"]);
        Assert.Equal("Pulled the image", (string?)events[0].Object["note"]);
        Assert.Equal(404, (await http.GetJsonAsync(CoreEvents + "/about-web")).Code);
    }

    [Fact]
    public async Task The_Job_Controllers_FailedCreate_Event_Is_Listed_Under_Events_K8s_Io_By_Regarding_Uid_And_Reason()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces", PodSecurityAdmissionTests.Namespace("locked", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" }));
        var (_, job) = await http.PostJsonAsync("/apis/batch/v1/namespaces/locked/jobs", JobControllerTests.Job("build", "locked"));
        var uid = (string)job["metadata"]!["uid"]!;
        var path = "/apis/events.k8s.io/v1/namespaces/locked/events?fieldSelector=regarding.uid%3D" + uid + ",reason%3DFailedCreate,type%3DWarning";

        JsonArray items = [];
        var listed = await KubeHttp.EventuallyAsync(async () => (items = (await http.GetJsonAsync(path)).Body["items"]!.AsArray()).Count == 1);

        Assert.True(listed);
        var ev = items[0]!;
        Assert.Equal("Job", (string?)ev["regarding"]!["kind"]);
        Assert.Equal("job-controller", (string?)ev["reportingController"]);
        Assert.Equal("job-controller", (string?)ev["deprecatedSource"]!["component"]);
        Assert.StartsWith("Error creating: pods ", (string?)ev["note"], StringComparison.Ordinal);
        Assert.Equal(1, (int?)ev["deprecatedCount"]);
    }
}
