using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// A stored object that is cold (its commit <c>HistoryCompactionLag</c> events old) is kept as its JSON, not as a tree:
/// every read, write and watch of it answers exactly what the same object kept as a tree answers, a tree handed out for it
/// is the reader's own, and a reader racing the compaction sees one form or the other.
/// </summary>
public sealed partial class ColdStoredObjectTests
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default","labels":{"tier":"web"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
         "spec":{"containers":[{"name":"app","image":"a:1","env":[{"name":"X","value":"<\u00e9\uD83D\uDE00>"}]}]}}}}
        """;

    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","labels":{"tier":"db"},"finalizers":["example.dev/hold"]},
         "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"example/c:1"}]}}
        """;

    /// <param name="lag">0: every commit is cold at once; <see cref="int.MaxValue"/>: every object stays a tree.</param>
    private static (ObjectStore Store, ResourceRegistry Registry) NewStore(int lag)
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), 1000, 7)
        {
            RequireNamespaces = false,
            HistoryCompactionLag = lag,
        };
        return (store, registry);
    }

    private static JsonObject ConfigMap(string name, string tier) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["tier"] = tier } },
        ["data"] = new JsonObject { ["k"] = "1", ["n"] = "<\u00e9\U0001F600>" },
    };

    private static List<StoredEvent> Drain(WatchSubscription sub)
    {
        var events = new List<StoredEvent>();
        while (sub.Events.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>
    /// One script of reads, writes and watches over configmaps, a deployment (generation, status) and a pod (status,
    /// finalizer), written down step by step: every answer's bytes and body, every read tree, every watch event.
    /// </summary>
    private static List<string> Transcript(int lag, out List<bool> storedCompacted)
    {
        var (store, registry) = NewStore(lag);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        var deployments = registry.Find("apps", "v1", "deployments")!;
        var pods = registry.Find("", "v1", "pods")!;
        var lines = new List<string>();
        void Answer(string step, ApiResult r) =>
            lines.Add($"{step}: {r.Code} {Encoding.UTF8.GetString(r.Json())} body={r.Body.ToJsonString()} readOnly={r.ReadOnlyBody.ToJsonString()}");
        void Events(string step, WatchSubscription sub, ResourceType type) =>
            lines.AddRange(Drain(sub).Select(e => $"{step}: {e.Type} {e.Rv} {Encoding.UTF8.GetString(e.PresentedJson(type))} old={e.OldObject?.ToJsonString()}"));

        var (fromStart, _) = store.Watch(configMaps, "default", null, sendInitialEvents: false);
        Answer("create a", store.Create(configMaps, "default", ConfigMap("a", "web")));
        var firstRv = store.CurrentResourceVersion;
        Answer("create b", store.Create(configMaps, "default", ConfigMap("b", "db")));
        Answer("create c", store.Create(configMaps, "default", ConfigMap("c", "web")));
        Answer("create d", store.Create(deployments, "default", JsonNode.Parse(Deployment)!.AsObject()));
        Answer("create p", store.Create(pods, "default", JsonNode.Parse(Pod)!.AsObject()));

        Answer("get a", store.Get(configMaps, "default", "a"));
        Answer("get d", store.Get(deployments, "default", "d"));
        lines.Add("peek d: " + store.Peek(deployments, "default", "d")!.ToJsonString());
        Answer("list", store.List(configMaps, "default", LabelSelector.Everything, FieldSelector.Everything, null, null));
        Answer("list web", store.List(configMaps, null, LabelSelector.Parse("tier=web", out _)!, FieldSelector.Everything, null, null));
        Answer("list name", store.List(configMaps, "default", LabelSelector.Everything, FieldSelector.Parse("metadata.name=b", configMaps, out _)!, null, null));
        var page = store.List(configMaps, "default", LabelSelector.Everything, FieldSelector.Everything, 2, null);
        Answer("page 1", page);
        Answer("page 2", store.List(configMaps, "default", LabelSelector.Everything, FieldSelector.Everything, 2, (string?)page.Body["metadata"]!["continue"]));
        lines.Add("snapshot: " + string.Join(",", store.Snapshot("", "configmaps").Select(o => o.ToJsonString())));
        lines.Add("metadata: " + string.Join(",", store.AllMetadata().Select(m => $"{m.Key} {m.Metadata.ToJsonString()}")));

        // Writes of every kind to the (now cold, with lag 0) objects.
        var stale = store.Get(configMaps, "default", "a").Body;
        var changed = (JsonObject)stale.DeepClone();
        changed["data"]!["k"] = "u";
        Answer("update a", store.Update(configMaps, "default", "a", changed, statusOnly: false));
        Answer("update a stale", store.Update(configMaps, "default", "a", stale, statusOnly: false));
        Answer("update a same", store.Update(configMaps, "default", "a", store.Get(configMaps, "default", "a").Body, statusOnly: false));
        Answer("merge b", store.Patch(configMaps, "default", "b", PatchKind.Merge, JsonNode.Parse("""{"data":{"k":"2"},"metadata":{"labels":{"tier":"web"}}}""")!, false, null));
        Answer("json c", store.Patch(configMaps, "default", "c", PatchKind.Json, JsonNode.Parse("""[{"op":"replace","path":"/data/k","value":"3"}]""")!, false, null));
        Answer("strategic d", store.Patch(deployments, "default", "d", PatchKind.StrategicMerge, JsonNode.Parse("""{"spec":{"replicas":2}}""")!, false, null));
        var dStatus = store.Get(deployments, "default", "d").Body;
        dStatus["status"] = new JsonObject { ["observedGeneration"] = 2, ["replicas"] = 2 };
        Answer("status d", store.Update(deployments, "default", "d", dStatus, statusOnly: true));
        Answer("status d again", store.WriteStatus(deployments, "default", "d", new JsonObject { ["observedGeneration"] = 2, ["replicas"] = 2 }));
        Answer("mutate d", store.Mutate(deployments, "default", "d", o => o["metadata"]!["annotations"] = new JsonObject { ["x"] = "y" }, statusOnly: false));
        Answer("mutate status p", store.MutateStatus(pods, "default", "p", (candidate, stored) =>
            ObjectStore.EnsureObject(candidate, "status")["phase"] = (string?)stored["spec"]!["restartPolicy"] == "Never" ? "Running" : "Pending"));
        var d = store.Peek(deployments, "default", "d")!;
        Answer("status and annotations d", store.WriteStatusAndAnnotations(deployments, "default", "d", (string)d["metadata"]!["uid"]!,
            (string)d["metadata"]!["resourceVersion"]!, new JsonObject { ["observedGeneration"] = 3 }, new JsonObject { ["x"] = "z" }));
        Answer("delete p", store.Delete(pods, "default", "p", new DeleteOptions()));
        Answer("get p", store.Get(pods, "default", "p"));
        Answer("release p", store.Patch(pods, "default", "p", PatchKind.Merge, JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!, false, null));
        Answer("delete a", store.Delete(configMaps, "default", "a", new DeleteOptions()));
        Answer("delete web", store.DeleteCollection(configMaps, "default", LabelSelector.Parse("tier=web", out _)!, FieldSelector.Everything, new DeleteOptions()));
        Answer("list after", store.List(configMaps, null, LabelSelector.Everything, FieldSelector.Everything, null, null));

        // Watches: from the start (history), from an old resourceVersion, and the initial state.
        Events("live", fromStart!, configMaps);
        var (resumed, _) = store.Watch(configMaps, "default", firstRv.ToString(System.Globalization.CultureInfo.InvariantCulture), sendInitialEvents: false);
        Events("resumed", resumed!, configMaps);
        var (initial, _) = store.Watch(deployments, null, "0", sendInitialEvents: true);
        var replayed = Drain(initial!);
        storedCompacted = [.. replayed.Where(e => e.Type == StoredEvent.Added).Select(e => e.ObjectCompacted)];
        lines.AddRange(replayed.Where(e => e.Type == StoredEvent.Added).Select(e => $"initial: {e.Type} {e.Rv} {Encoding.UTF8.GetString(e.PresentedJson(deployments))}"));
        return lines;
    }

    /// <summary>The transcript with each uid (random per store) replaced by its order of appearance.</summary>
    private static List<string> WithoutUids(List<string> lines)
    {
        var uids = new Dictionary<string, string>();
        return [.. lines.Select(l => Uid().Replace(l, m => uids.TryGetValue(m.Value, out var n) ? n : uids[m.Value] = "uid-" + uids.Count))];
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uid();

    [Fact]
    public void Every_Read_Write_And_Watch_Of_Cold_Objects_Answers_Exactly_What_Hot_Objects_Answer()
    {
        var hot = WithoutUids(Transcript(int.MaxValue, out var hotCompacted));
        var cold = WithoutUids(Transcript(0, out var coldCompacted));

        Assert.Equal([false], hotCompacted); // the script ran on trees...
        Assert.Equal([true], coldCompacted); // ...and on JSON
        Assert.True(hot.Count > 40, $"only {hot.Count} lines");
        Assert.Equal(hot.Count, cold.Count);
        for (var i = 0; i < hot.Count; i++)
        {
            Assert.Equal(hot[i], cold[i]);
        }
    }

    [Fact]
    public void A_Tree_Read_Of_A_Cold_Object_Is_The_Readers_Own_Changing_It_Changes_Nothing_Stored()
    {
        var (store, registry) = NewStore(lag: 1);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        Assert.Equal(201, store.Create(configMaps, "default", ConfigMap("a", "web")).Code);
        Assert.Equal(201, store.Create(configMaps, "default", ConfigMap("b", "web")).Code); // a is cold now
        var before = Encoding.UTF8.GetString(store.Get(configMaps, "default", "a").Json());

        var peeked = store.Peek(configMaps, "default", "a")!;
        var again = store.Peek(configMaps, "default", "a")!;
        var readOnly = store.Get(configMaps, "default", "a").ReadOnlyBody;
        var listed = store.Snapshot("", "configmaps")[0];
        var (sub, _) = store.Watch(configMaps, "default", "0", sendInitialEvents: false);
        var watched = Drain(sub!)[0].Object;
        foreach (var tree in new[] { peeked, again, readOnly, listed, watched })
        {
            tree["data"]!["k"] = "changed";
            tree["metadata"]!["labels"]!["tier"] = "changed";
        }

        Assert.NotSame(peeked, again);
        Assert.Equal(before, Encoding.UTF8.GetString(store.Get(configMaps, "default", "a").Json()));
        Assert.Equal("1", (string?)store.Peek(configMaps, "default", "a")!["data"]!["k"]);
        var web = store.List(configMaps, "default", LabelSelector.Parse("tier=web", out _)!, FieldSelector.Everything, null, null);
        Assert.Equal(2, web.Body["items"]!.AsArray().Count);
    }

    [Fact]
    public void A_Label_Index_Built_Over_Cold_Objects_Selects_What_A_Scan_Selects()
    {
        var (store, registry) = NewStore(lag: 0);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        for (var i = 0; i < 80; i++)
        {
            Assert.Equal(201, store.Create(configMaps, "default", ConfigMap($"cm-{i:D2}", i % 3 == 0 ? "web" : "db")).Code);
        }

        // An equality selector on 64 or more objects builds the index (from the cold objects' JSON); a set selector scans.
        var indexed = store.List(configMaps, "default", LabelSelector.Parse("tier=web", out _)!, FieldSelector.Everything, null, null).Body;
        var scanned = store.List(configMaps, "default", LabelSelector.Parse("tier in (web)", out _)!, FieldSelector.Everything, null, null).Body;
        Assert.Equal(27, indexed["items"]!.AsArray().Count);
        Assert.Equal(scanned["items"]!.ToJsonString(), indexed["items"]!.ToJsonString());

        // The index follows later commits of cold objects.
        Assert.Equal(200, store.Patch(configMaps, "default", "cm-01", PatchKind.Merge, JsonNode.Parse("""{"metadata":{"labels":{"tier":"web"}}}""")!, false, null).Code);
        var after = store.List(configMaps, "default", LabelSelector.Parse("tier=web", out _)!, FieldSelector.Everything, null, null).Body;
        Assert.Equal(28, after["items"]!.AsArray().Count);
    }

    [Fact]
    public void The_Garbage_Collector_Reads_Cold_Objects_Metadata_And_Collects_Their_Dependents()
    {
        var (store, registry) = NewStore(lag: 0);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        var owner = store.Create(configMaps, "default", ConfigMap("owner", "web")).Body;
        var child = ConfigMap("child", "web");
        child["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["name"] = "owner",
            ["uid"] = (string?)owner["metadata"]!["uid"],
        });
        Assert.Equal(201, store.Create(configMaps, "default", child).Code);
        Assert.Equal(201, store.Create(configMaps, "default", ConfigMap("bystander", "db")).Code);
        var metadata = store.AllMetadata();
        Assert.Equal(
            [.. new[] { "bystander", "child", "owner" }.Select(n => store.Peek(configMaps, "default", n)!["metadata"]!.ToJsonString())],
            metadata.Select(m => m.Metadata.ToJsonString()));

        Assert.Equal(200, store.Delete(configMaps, "default", "owner", new DeleteOptions()).Code);
        var collector = new GarbageCollector(store, registry);
        Assert.True(collector.Sweep());

        Assert.Equal(404, store.Get(configMaps, "default", "child").Code);
        Assert.Equal(200, store.Get(configMaps, "default", "bystander").Code);
    }

    [Fact]
    public async Task A_Reader_Racing_The_Compaction_Of_The_Object_It_Reads_Sees_The_Same_Object_Either_Way()
    {
        var ct = TestContext.Current.CancellationToken;
        var (store, registry) = NewStore(lag: 1);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        Assert.Equal(201, store.Create(configMaps, "default", ConfigMap("first", "db")).Code); // so that a watch can resume after it
        for (var round = 0; round < 50; round++)
        {
            var name = $"cm-{round}";
            var from = store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(201, store.Create(configMaps, "default", ConfigMap(name, "web")).Code);
            var expected = Encoding.UTF8.GetString(store.Get(configMaps, "default", name).Json());
            var (sub, _) = store.Watch(configMaps, "default", from, sendInitialEvents: false);
            var commit = Drain(sub!).Single(); // the commit itself, from the history
            store.Unsubscribe(sub!);
            Assert.False(commit.ObjectCompacted);
            var seen = new List<string>();
            using var go = new Barrier(2);
            var reader = Task.Run(
                () =>
            {
                go.SignalAndWait(ct);
                for (var i = 0; i < 200; i++)
                {
                    seen.Add(commit.Object.ToJsonString());
                    seen.Add(Encoding.UTF8.GetString(commit.PresentedJson(configMaps)));
                    seen.Add(commit.Metadata()!.ToJsonString());
                    seen.Add(store.Peek(configMaps, "default", name)!.ToJsonString());
                }
            },
                ct);
            go.SignalAndWait(ct);
            Assert.Equal(201, store.Create(configMaps, "default", ConfigMap(name + "-next", "db")).Code); // compacts the first
            await reader.WaitAsync(TimeSpan.FromMinutes(1), ct);
            Assert.True(commit.ObjectCompacted);
            var meta = JsonNode.Parse(expected)!["metadata"]!.ToJsonString();
            Assert.All(seen, s => Assert.True(s == expected || s == meta, s));
            Assert.Equal(expected, Encoding.UTF8.GetString(store.Get(configMaps, "default", name).Json()));
        }
    }
}
