using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// A status write of the simulated cluster's controllers (<c>ObjectStore.MutateStatus</c>: kubelet, Job controller, Job
/// stand-in): the edit sees the status alone, and the commit is the one a status write of a whole copy makes.
/// </summary>
public sealed class ControllerStatusWriteTests
{
    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"build-x","namespace":"default","labels":{"a":"b"}},
         "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"example/c:1"},{"name":"d","image":"example/d:1"}]}}
        """;

    private static (ObjectStore Store, ResourceType Pods) StoreWithPod()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), 100, 1) { RequireNamespaces = false };
        var pods = registry.Find("", "v1", "pods")!;
        Assert.Equal(201, store.Create(pods, "default", JsonNode.Parse(Pod)!.AsObject()).Code);
        return (store, pods);
    }

    private static void Run(JsonObject candidate, JsonObject stored)
    {
        var status = ObjectStore.EnsureObject(candidate, "status");
        status["phase"] = "Running";
        status["containerStatuses"] = new JsonArray([.. (stored["spec"]!["containers"] as JsonArray)!.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = (string?)c!["name"],
            ["ready"] = false,
        })]);
    }

    [Fact]
    public void The_Edit_Gets_The_Stored_Status_Alone_To_Change_And_The_Stored_Object_To_Read()
    {
        var (store, pods) = StoreWithPod();
        var before = store.Peek(pods, "default", "build-x")!;
        var beforeJson = before.ToJsonString();
        string[] seen = [];
        JsonObject? read = null;

        var result = store.MutateStatus(pods, "default", "build-x", (candidate, stored) =>
        {
            seen = [.. candidate.Select(p => p.Key)];
            read = stored;
            Run(candidate, stored);
        });

        Assert.Equal(200, result.Code);
        Assert.Same(before, read); // the committed object, not a copy
        Assert.Equal(["status"], seen); // no copy of the metadata and the spec to edit
        Assert.Equal(beforeJson, before.ToJsonString()); // the version read is never changed
        var after = store.Peek(pods, "default", "build-x")!;
        Assert.Equal("Running", (string?)after["status"]!["phase"]);
        Assert.Equal(2, after["status"]!["containerStatuses"]!.AsArray().Count);
    }

    [Fact]
    public void The_Commit_Is_The_One_A_Status_Write_Of_A_Whole_Copy_Makes()
    {
        var (viaCopy, pods) = StoreWithPod();
        var (viaStatus, _) = StoreWithPod();

        var a = viaCopy.Mutate(pods, "default", "build-x", p => Run(p, p), statusOnly: true);
        var b = viaStatus.MutateStatus(pods, "default", "build-x", Run);

        Assert.Equal(a.Code, b.Code);
        Assert.Equal(viaCopy.CurrentResourceVersion, viaStatus.CurrentResourceVersion);
        Assert.Equal(WithoutUid(viaCopy.Peek(pods, "default", "build-x")!), WithoutUid(viaStatus.Peek(pods, "default", "build-x")!));
    }

    private static string WithoutUid(JsonObject stored)
    {
        var copy = stored.DeepClone().AsObject();
        copy["metadata"]!.AsObject().Remove("uid"); // random per store
        return copy.ToJsonString();
    }

    [Fact]
    public void A_Status_Edit_That_Changes_Nothing_Writes_Nothing()
    {
        var (store, pods) = StoreWithPod();
        store.MutateStatus(pods, "default", "build-x", Run);
        var version = store.CurrentResourceVersion;
        var stored = store.Peek(pods, "default", "build-x")!;

        var again = store.MutateStatus(pods, "default", "build-x", Run);
        var untouched = store.MutateStatus(pods, "default", "build-x", (_, _) => { });

        Assert.Equal(200, again.Code);
        Assert.Equal(200, untouched.Code);
        Assert.Equal(version, store.CurrentResourceVersion);
        Assert.Same(stored, store.Peek(pods, "default", "build-x"));
    }

    [Fact]
    public void A_Status_Edit_Cannot_Change_Anything_But_The_Status()
    {
        var (store, pods) = StoreWithPod();
        var spec = store.Peek(pods, "default", "build-x")!["spec"]!.ToJsonString();

        store.MutateStatus(pods, "default", "build-x", (candidate, _) =>
        {
            candidate["spec"] = new JsonObject { ["restartPolicy"] = "Always" };
            candidate["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["x"] = "y" } };
            ObjectStore.EnsureObject(candidate, "status")["phase"] = "Running";
        });

        var after = store.Peek(pods, "default", "build-x")!;
        Assert.Equal(spec, after["spec"]!.ToJsonString());
        Assert.Equal("b", (string?)after["metadata"]!["labels"]!["a"]);
        Assert.Null(after["metadata"]!["labels"]!["x"]);
        Assert.Equal("Running", (string?)after["status"]!["phase"]);
    }

    [Fact]
    public void A_Status_Edit_Of_A_Missing_Object_Is_Not_Found()
    {
        var (store, pods) = StoreWithPod();
        var called = false;

        var result = store.MutateStatus(pods, "default", "gone", (_, _) => called = true);

        Assert.Equal(404, result.Code);
        Assert.False(called);
    }

    /// <summary>
    /// The deployment controller's <c>UpdateStatus</c> (status and the revision annotation) is computed from the version it
    /// read; when a client's annotation change comes between, the real server answers 409 Conflict (the resourceVersion sent is
    /// no longer the stored one) and the client's annotation stays. Before, the emulator wrote the controller's older
    /// annotations over it: a Deployment lost an annotation and the generation bump the client's next change should make
    /// (CrudTests' Deployment generation test saw generation 3 for 4 when the controller's sync fell between its patches).
    /// </summary>
    [Fact]
    public void A_Deployment_Status_Write_From_An_Older_Read_Is_A_Conflict_And_Keeps_The_Annotations_Written_Since()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), 100, 1) { RequireNamespaces = false };
        var deployments = registry.Find("apps", "v1", "deployments")!;
        Assert.Equal(201, store.Create(deployments, "default", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
             "spec":{"containers":[{"name":"app","image":"a:1"}]}}}}
            """)!.AsObject()).Code);
        var read = store.Peek(deployments, "default", "d")!; // what the controller's sync read
        var uid = (string)read["metadata"]!["uid"]!;
        var readVersion = (string)read["metadata"]!["resourceVersion"]!;

        var annotated = store.Mutate(deployments, "default", "d", d => d["metadata"]!["annotations"] = new JsonObject { ["team"] = "a" }, statusOnly: false);
        var stale = store.WriteStatusAndAnnotations(deployments, "default", "d", uid, readVersion,
            new JsonObject { ["observedGeneration"] = 1 }, new JsonObject { ["deployment.kubernetes.io/revision"] = "1" });
        var afterConflict = store.Peek(deployments, "default", "d")!;
        var annotatedVersion = (string)annotated.ReadOnlyBody["metadata"]!["resourceVersion"]!;
        var current = store.WriteStatusAndAnnotations(deployments, "default", "d", uid, annotatedVersion,
            new JsonObject { ["observedGeneration"] = 2 }, new JsonObject { ["team"] = "a", ["deployment.kubernetes.io/revision"] = "1" });

        Assert.Equal(200, annotated.Code);
        Assert.Equal(2L, (long?)annotated.ReadOnlyBody["metadata"]!["generation"]);
        Assert.Equal((409, "Conflict"), (stale.Code, stale.Reason));
        Assert.Equal("a", (string?)afterConflict["metadata"]!["annotations"]!["team"]);
        Assert.Null(afterConflict["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        Assert.Null(afterConflict["status"]?["observedGeneration"]);
        Assert.Equal(annotatedVersion, (string?)afterConflict["metadata"]!["resourceVersion"]);
        Assert.Equal(200, current.Code);
        var written = current.ReadOnlyBody;
        Assert.Equal(("a", "1"), ((string?)written["metadata"]!["annotations"]!["team"], (string?)written["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]));
        Assert.Equal(2L, (long?)written["metadata"]!["generation"]); // a status write never bumps it
        Assert.Equal(2L, JsonNumbers.Long(written["status"]!["observedGeneration"]));
    }
}
