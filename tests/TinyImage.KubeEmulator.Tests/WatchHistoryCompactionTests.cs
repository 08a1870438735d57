using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// The watch history keeps the versions its events hold (replaced ones, and the stored one: <see cref="ColdStoredObjectTests"/>)
/// as JSON once every reader has had them as trees: a watch that resumes from an old resourceVersion gets the same events,
/// objects and selector translations as without compaction.
/// </summary>
public sealed class WatchHistoryCompactionTests
{
    private static (ObjectStore Store, ResourceType ConfigMaps) Store(int compactionLag)
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false, HistoryCompactionLag = compactionLag };
        return (store, registry.Find("", "v1", "configmaps")!);
    }

    private static JsonObject ConfigMap(string name, string value, string tier) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["tier"] = tier } },
        ["data"] = new JsonObject { ["k"] = value, ["escaped"] = "<\u00e9\U0001F600>" },
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

    private static string Describe(StoredEvent e, ResourceType type) =>
        $"{e.Rv} {e.Type} {e.Object.ToJsonString()} old={e.OldObject?.ToJsonString()} presented={Encoding.UTF8.GetString(e.PresentedJson(type))}";

    [Fact]
    public void A_Watch_Resuming_From_A_Compacted_History_Gets_Every_Event_As_It_Was_Committed()
    {
        var (store, configMaps) = Store(compactionLag: 2);
        var other = ConfigMap("z", "1", "web");
        other["metadata"]!["namespace"] = "other";
        Assert.Equal(201, store.Create(configMaps, "other", other).Code); // a resourceVersion to resume from (another namespace)
        var from = store.CurrentResourceVersion;
        var (live, _) = store.Watch(configMaps, "default", Rv(from), sendInitialEvents: false);
        var seen = new List<string>();
        void Commit(ApiResult result)
        {
            Assert.True(result.IsSuccess);
            seen.AddRange(Drain(live!).Select(e => Describe(e, configMaps))); // each event described while it is new (trees)
        }

        Commit(store.Create(configMaps, "default", ConfigMap("a", "1", "web")));
        Commit(store.Create(configMaps, "default", ConfigMap("b", "1", "web")));
        Commit(store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "2", statusOnly: false));
        Commit(store.Mutate(configMaps, "default", "a", o => o["metadata"]!["labels"]!["tier"] = "db", statusOnly: false));
        Commit(store.Delete(configMaps, "default", "b", new DeleteOptions()));
        Commit(store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "3", statusOnly: false));
        Commit(store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "4", statusOnly: false));
        Commit(store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "5", statusOnly: false));

        var (resumed, error) = store.Watch(configMaps, "default", Rv(from), sendInitialEvents: false);
        Assert.Null(error);
        var history = Drain(resumed!);
        var (initial, _) = store.Watch(configMaps, "default", "0", sendInitialEvents: false);
        var replayed = Drain(initial!);

        // Every event two or more commits old was compacted (all of them replaced or deleted); the last two keep their trees.
        Assert.Equal(8, history.Count);
        Assert.Equal([true, true, true, true, true, true, false, false], history.Select(e => e.ObjectCompacted));
        Assert.Equal(seen, history.Select(e => Describe(e, configMaps)));
        Assert.Equal(["ADDED a"], replayed.Select(e => e.Type + " " + (string?)e.Object["metadata"]!["name"]));
        Assert.Same(history[^1].PresentedJson(configMaps), replayed[0].PresentedJson(configMaps)); // the commit's bytes, shared
    }

    [Fact]
    public void A_Compacted_Old_Version_Still_Decides_Whether_A_Selected_Watch_Sees_A_Change_As_Added_Modified_Or_Deleted()
    {
        var (store, configMaps) = Store(compactionLag: 1);
        var (live, _) = store.Watch(configMaps, "default", null, sendInitialEvents: false);
        void Commit(ApiResult result)
        {
            Assert.True(result.IsSuccess);
            foreach (var e in Drain(live!))
            {
                e.PresentedJson(configMaps); // what the watch's stream writes
            }
        }

        Commit(store.Create(configMaps, "default", ConfigMap("a", "1", "web")));
        var from = store.CurrentResourceVersion;
        Commit(store.Mutate(configMaps, "default", "a", o => o["metadata"]!["labels"]!["tier"] = "db", statusOnly: false));
        Commit(store.Mutate(configMaps, "default", "a", o => o["metadata"]!["labels"]!["tier"] = "web", statusOnly: false));
        Commit(store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "2", statusOnly: false));

        var (sub, _) = store.Watch(configMaps, "default", Rv(from), sendInitialEvents: false);
        var events = Drain(sub!);

        Assert.Equal(3, events.Count);
        Assert.All(events.Take(2), e => Assert.True(e.ObjectCompacted));
        var web = LabelSelector.Parse("tier=web", out _)!;
        var db = LabelSelector.Parse("tier=db", out _)!;
        string Seen(StoredEvent e, LabelSelector selector) =>
            (selector.Matches(e.OldObject!), selector.Matches(e.Object)) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => "-",
            };

        Assert.Equal(["DELETED", "ADDED", "MODIFIED"], events.Select(e => Seen(e, web)));
        Assert.Equal(["ADDED", "DELETED", "-"], events.Select(e => Seen(e, db)));
    }

    [Fact]
    public void A_Version_Nobody_Wrote_Out_Is_Serialized_Once_At_Compaction_And_Reads_Back_The_Same()
    {
        var (store, configMaps) = Store(compactionLag: 1);
        Assert.Equal(201, store.Create(configMaps, "default", ConfigMap("a", "1", "web")).Code);
        var from = store.CurrentResourceVersion;
        Assert.Equal(200, store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "2", statusOnly: false).Code);
        Assert.Equal(200, store.Mutate(configMaps, "default", "a", o => o["data"]!["k"] = "3", statusOnly: false).Code);

        var (sub, _) = store.Watch(configMaps, "default", Rv(from), sendInitialEvents: false);
        var events = Drain(sub!);

        Assert.Equal(2, events.Count);
        Assert.True(events[0].ObjectCompacted); // replaced, old enough, never written by anyone: serialized at compaction
        Assert.False(events[1].ObjectCompacted); // the newest commit is still hot
        Assert.Equal("2", (string?)events[0].Object["data"]!["k"]);
        Assert.Equal("1", (string?)events[0].OldObject!["data"]!["k"]);
    }

    private static string Rv(long rv) => rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
