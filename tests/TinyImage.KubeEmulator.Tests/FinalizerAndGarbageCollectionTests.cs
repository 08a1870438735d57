using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

public sealed class FinalizerAndGarbageCollectionTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static JsonObject OwnedConfigMap(string name, JsonObject owner)
    {
        var cm = KubeHttp.ConfigMap(name);
        cm["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "example.dev/v1",
            ["kind"] = "Widget",
            ["name"] = (string?)owner["metadata"]!["name"],
            ["uid"] = (string?)owner["metadata"]!["uid"],
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });
        return cm;
    }

    [Fact]
    public async Task Delete_Of_An_Object_With_Finalizers_Marks_It_And_Keeps_It_Until_They_Are_Removed()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var w = KubeHttp.Widget("f");
        w["metadata"]!["finalizers"] = new JsonArray("example.dev/cleanup");
        var (_, created) = await http.PostJsonAsync(KubeHttp.WidgetsPath, w);
        await using var watch = await WatchStream.OpenAsync(http, KubeHttp.WidgetsPath + "?watch=true&resourceVersion=" + created.Rv());

        var (deleteCode, marked) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/f");
        var (getCode, stillThere) = await http.GetJsonAsync(KubeHttp.WidgetsPath + "/f");
        var (_, released) = await http.PatchJsonAsync(KubeHttp.WidgetsPath + "/f", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        var (goneCode, _) = await http.GetJsonAsync(KubeHttp.WidgetsPath + "/f");
        var events = await watch.TakeAsync(2);

        Assert.Equal(200, deleteCode);
        Assert.NotNull((string?)marked["metadata"]!["deletionTimestamp"]);
        Assert.Equal(0, (int?)marked["metadata"]!["deletionGracePeriodSeconds"]);
        Assert.Equal(2, marked.Generation());
        Assert.NotEqual(created.Rv(), marked.Rv());
        Assert.Equal(200, getCode);
        Assert.Equal(marked.Rv(), stillThere.Rv());
        Assert.Null(released["metadata"]!["finalizers"]);
        Assert.Equal(404, goneCode);
        Assert.Equal(["MODIFIED", "DELETED"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Deleting_An_Owner_Collects_Its_Dependents_In_The_Background()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, owner) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("owner"));
        await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("child-1", owner));
        await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("child-2", owner));
        await http.PostJsonAsync(ConfigMaps, KubeHttp.ConfigMap("unrelated"));

        await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/owner");
        var collected = await KubeHttp.EventuallyAsync(() => kube.List("v1", "configmaps", "default").Count == 1);

        Assert.True(collected, "dependents were not collected");
        Assert.Equal("unrelated", (string?)kube.List("v1", "configmaps", "default")[0]["metadata"]!["name"]);
        Assert.Equal(2, kube.GarbageCollected);
    }

    [Fact]
    public async Task A_Dependent_Whose_Owner_Uid_Does_Not_Exist_Is_Collected()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var ghost = KubeHttp.Widget("ghost");
        ghost["metadata"]!["uid"] = Guid.NewGuid().ToString();

        var (code, _) = await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("orphaned", ghost));
        var collected = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(ConfigMaps + "/orphaned")).Code == 404);

        Assert.Equal(201, code);
        Assert.True(collected);
    }

    [Fact]
    public async Task Only_A_Change_That_Can_Leave_Work_For_The_Collector_Schedules_A_Sweep()
    {
        // A sweep reads every stored object: a change of a dependent whose owners are all stored must not schedule one,
        // while a deletion, an object being deleted and a reference to a missing owner must.
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, owner) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("owner"));
        var (_, child) = await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("child", owner));
        var ghost = KubeHttp.Widget("ghost");
        ghost["metadata"]!["uid"] = Guid.NewGuid().ToString();
        var deleting = (JsonObject)child.DeepClone();
        deleting["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";

        StoredEvent Change(string type, JsonObject obj) => new(1, ("", "configmaps"), type, obj, null);

        Assert.False(kube.NeedsCollection(Change(StoredEvent.Modified, child)));
        Assert.False(kube.NeedsCollection(Change(StoredEvent.Added, KubeHttp.ConfigMap("plain"))));
        Assert.True(kube.NeedsCollection(Change(StoredEvent.Added, OwnedConfigMap("orphan", ghost))));
        Assert.True(kube.NeedsCollection(Change(StoredEvent.Modified, deleting)));
        Assert.True(kube.NeedsCollection(Change(StoredEvent.Deleted, child)));
    }

    [Fact]
    public async Task A_Dependent_With_A_Second_Live_Owner_Loses_Only_The_Dangling_Reference()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, a) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("a"));
        var (_, b) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("b"));
        var cm = OwnedConfigMap("shared", a);
        cm["metadata"]!["ownerReferences"]!.AsArray().Add(OwnedConfigMap("x", b)["metadata"]!["ownerReferences"]![0]!.DeepClone());
        await http.PostJsonAsync(ConfigMaps, cm);

        await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/a");
        var trimmed = await KubeHttp.EventuallyAsync(async () =>
            (await http.GetJsonAsync(ConfigMaps + "/shared")).Body["metadata"]?["ownerReferences"]?.AsArray().Count == 1);
        var (_, shared) = await http.GetJsonAsync(ConfigMaps + "/shared");

        Assert.True(trimmed);
        Assert.Equal("b", (string?)shared["metadata"]!["ownerReferences"]![0]!["name"]);
    }

    [Fact]
    public async Task Orphan_Propagation_Keeps_Dependents_And_Removes_Their_Owner_Reference()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, owner) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("owner"));
        await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("child", owner));

        var (code, marked) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/owner?propagationPolicy=Orphan");
        var ownerGone = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(KubeHttp.WidgetsPath + "/owner")).Code == 404);
        var (childCode, child) = await http.GetJsonAsync(ConfigMaps + "/child");

        Assert.Equal(200, code);
        Assert.Contains("orphan", marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.True(ownerGone);
        Assert.Equal(200, childCode);
        Assert.Null(child["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Foreground_Propagation_Deletes_Dependents_Before_The_Owner()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, owner) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("owner"));
        await http.PostJsonAsync(ConfigMaps, OwnedConfigMap("child", owner));
        await using var watch = await WatchStream.OpenAsync(http, "/api/v1/configmaps?watch=true&resourceVersion=" + kube.ResourceVersion);
        await using var ownerWatch = await WatchStream.OpenAsync(http, KubeHttp.WidgetsPath + "?watch=true&resourceVersion=" + kube.ResourceVersion);

        var (_, marked) = await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/owner", JsonNode.Parse("""{"propagationPolicy":"Foreground"}""")!.AsObject());
        // The child has no dependents of its own, so the collector deletes it in the background: gone in one write
        // (attemptToDeleteItem), not marked first.
        var childDeleted = await watch.TakeAsync(1);
        var ownerEvents = await ownerWatch.TakeAsync(2);

        Assert.Contains("foregroundDeletion", marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("DELETED", childDeleted[0].Type);
        // Removing the last finalizer deletes in the same write, as the real registry does: no MODIFIED in between.
        Assert.Equal(["MODIFIED", "DELETED"], ownerEvents.Select(e => e.Type));
        Assert.True(long.Parse(childDeleted[0].Object.Rv(), System.Globalization.CultureInfo.InvariantCulture)
            < long.Parse(ownerEvents[1].Object.Rv(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Foreground_Deletion_Waits_Only_For_Dependents_Whose_Reference_Blocks_Owner_Deletion()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var (_, owner) = await http.PostJsonAsync(KubeHttp.WidgetsPath, KubeHttp.Widget("owner"));
        var blocking = OwnedConfigMap("blocking", owner);
        blocking["metadata"]!["finalizers"] = new JsonArray("example.dev/hold");
        var loose = OwnedConfigMap("loose", owner);
        loose["metadata"]!["finalizers"] = new JsonArray("example.dev/hold");
        loose["metadata"]!["ownerReferences"]![0]!["blockOwnerDeletion"] = false;
        await http.PostJsonAsync(ConfigMaps, blocking);
        await http.PostJsonAsync(ConfigMaps, loose);

        await http.DeleteJsonAsync(KubeHttp.WidgetsPath + "/owner?propagationPolicy=Foreground");
        var bothMarked = await KubeHttp.EventuallyAsync(async () =>
            (await http.GetJsonAsync(ConfigMaps + "/blocking")).Body["metadata"]?["deletionTimestamp"] is not null
            && (await http.GetJsonAsync(ConfigMaps + "/loose")).Body["metadata"]?["deletionTimestamp"] is not null);
        var (heldCode, held) = await http.GetJsonAsync(KubeHttp.WidgetsPath + "/owner");
        await http.PatchJsonAsync(ConfigMaps + "/blocking", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        var ownerGone = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync(KubeHttp.WidgetsPath + "/owner")).Code == 404);
        var (looseCode, _) = await http.GetJsonAsync(ConfigMaps + "/loose");

        Assert.True(bothMarked);
        Assert.Equal(200, heldCode);
        Assert.Contains("foregroundDeletion", held["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.True(ownerGone);
        Assert.Equal(200, looseCode);
    }

    [Fact]
    public async Task Deleting_A_Namespace_Terminates_It_Removes_Its_Content_Then_The_Namespace()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        kube.CreateNamespace("doomed");
        await http.PostJsonAsync("/api/v1/namespaces/doomed/configmaps", KubeHttp.ConfigMap("a", "doomed"));

        var (_, terminating) = await http.DeleteJsonAsync("/api/v1/namespaces/doomed");
        var gone = await KubeHttp.EventuallyAsync(async () => (await http.GetJsonAsync("/api/v1/namespaces/doomed")).Code == 404);

        Assert.Equal("Terminating", (string?)terminating["status"]!["phase"]);
        Assert.True(gone);
        Assert.Empty(kube.List("v1", "configmaps", "doomed"));
    }

    [Fact]
    public async Task Creating_A_Crd_Serves_Its_Resource_And_Deleting_It_Removes_Resource_And_Objects()
    {
        await using var kube = await ApiServerEmulator.StartAsync(cancellationToken: KubeHttp.Bounded());
        var http = kube.CreateHttpClient();
        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.example.dev"},
             "spec":{"group":"example.dev","scope":"Cluster","names":{"kind":"Gadget","plural":"gadgets","singular":"gadget","shortNames":["gd"]},
             "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},"schema":{"openAPIV3Schema":{"type":"object"}}}]}}
            """)!.AsObject();

        var (before, _) = await http.GetJsonAsync("/apis/example.dev/v1/gadgets");
        var (created, _) = await http.PostJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        var (_, established) = await http.GetJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.dev");
        var (gadget, _) = await http.PostJsonAsync("/apis/example.dev/v1/gadgets", JsonNode.Parse("""{"apiVersion":"example.dev/v1","kind":"Gadget","metadata":{"name":"g"}}""")!.AsObject());
        var (_, discovery) = await http.GetJsonAsync("/apis/example.dev/v1");
        await http.DeleteJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.dev");
        var (after, _) = await http.GetJsonAsync("/apis/example.dev/v1/gadgets");

        Assert.Equal(404, before);
        Assert.Equal(201, created);
        Assert.Contains(established["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Established" && (string?)c["status"] == "True");
        Assert.Equal(201, gadget);
        Assert.Contains(discovery["resources"]!.AsArray(), r => (string?)r!["name"] == "gadgets/status");
        Assert.Equal(404, after);
        Assert.Null(kube.Resources.FindAnyVersion("example.dev", "gadgets"));
    }
}
