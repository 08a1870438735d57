using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>A status write by a controller inside the emulator (<c>ObjectStore.Mutate</c> with the status subresource's rules).</summary>
public sealed class StatusWriteTests
{
    private static (ObjectStore Store, ResourceType Jobs) StoreWithJob()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var jobs = registry.Find("batch", "v1", "jobs")!;
        var created = store.Create(jobs, "default", JsonNode.Parse("""
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"build","namespace":"default"},
             "spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"example/c:1"}]}}}}
            """)!.AsObject());
        Assert.Equal(201, created.Code);
        return (store, jobs);
    }

    [Fact]
    public void A_Status_Write_Keeps_The_Stored_Spec_Even_When_The_Copy_Changed_It()
    {
        var (store, jobs) = StoreWithJob();
        var before = store.Peek(jobs, "default", "build")!["spec"]!.DeepClone();

        var result = store.Mutate(jobs, "default", "build", j =>
        {
            j["spec"]!["parallelism"] = 5;
            ObjectStore.EnsureObject(j, "status")["active"] = 1;
        }, statusOnly: true);

        Assert.Equal(200, result.Code);
        var stored = store.Peek(jobs, "default", "build")!;
        Assert.True(JsonNode.DeepEquals(before, stored["spec"]));
        Assert.Equal(1, (int?)stored["status"]!["active"]);
    }

    [Fact]
    public void A_Status_Write_Takes_Over_The_Unchanged_Spec_Of_The_Controllers_Copy_Instead_Of_Copying_The_Stored_One()
    {
        var (store, jobs) = StoreWithJob();
        var stored = store.Peek(jobs, "default", "build")!;
        JsonNode? copysSpec = null;

        store.Mutate(jobs, "default", "build", j =>
        {
            copysSpec = j["spec"];
            ObjectStore.EnsureObject(j, "status")["active"] = 1;
        }, statusOnly: true);

        var next = store.Peek(jobs, "default", "build")!;
        Assert.NotSame(stored, next);
        Assert.Same(copysSpec, next["spec"]);
        Assert.True(JsonNode.DeepEquals(stored["spec"], next["spec"]));
        Assert.True(JsonNode.DeepEquals(stored["metadata"]!["labels"], next["metadata"]!["labels"]));
    }

    [Fact]
    public void A_Create_Copies_The_Callers_Body_Unless_The_Caller_Gives_It_Away()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var namespaces = registry.Find("", "v1", "namespaces")!;
        var kept = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "kept" } };
        var given = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "given" } };

        Assert.Equal(201, store.Create(namespaces, null, kept).Code);
        Assert.Equal(201, store.Create(namespaces, null, given, owned: true).Code);

        Assert.Equal("""{"metadata":{"name":"kept"}}""", kept.ToJsonString()); // a controller's object is left as it was
        Assert.NotNull(given["metadata"]!["uid"]); // a request's parsed body became the object (no copy made first)
        Assert.True(store.Peek(namespaces, null, "given") is not null);
    }

    [Fact]
    public void A_Status_Write_That_Changes_Nothing_Answers_With_The_Stored_Object_Presented_Only_When_Read()
    {
        var (store, jobs) = StoreWithJob();
        var stored = store.Peek(jobs, "default", "build")!;

        var result = store.Mutate(jobs, "default", "build", _ => { }, statusOnly: true);

        Assert.Equal(200, result.Code);
        Assert.Same(stored, store.Peek(jobs, "default", "build")); // nothing committed
        Assert.Same(stored, result.ReadOnlyBody); // no copy made for a caller that only reads
        Assert.NotSame(stored, result.Body);
        Assert.True(JsonNode.DeepEquals(stored, result.Body));
    }

    [Fact]
    public void A_Whole_Status_Equal_To_The_Stored_One_Is_Not_Written_And_No_Copy_Is_Made_To_Find_That_Out()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var replicaSets = registry.Find("apps", "v1", "replicasets")!;
        Assert.Equal(201, store.Create(replicaSets, "default", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1","namespace":"default"},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}
            """)!.AsObject()).Code);
        JsonObject Status(int ready) => new() { ["replicas"] = 1, ["readyReplicas"] = ready, ["observedGeneration"] = 1 };
        Assert.Equal(200, store.WriteStatus(replicaSets, "default", "web-1", Status(ready: 0)).Code);
        var stored = store.Peek(replicaSets, "default", "web-1")!;
        var status = Status(ready: 0);
        var copyCost = GC.GetAllocatedBytesForCurrentThread();
        _ = stored.DeepClone();
        copyCost = GC.GetAllocatedBytesForCurrentThread() - copyCost;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var unchanged = store.WriteStatus(replicaSets, "default", "web-1", status);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var changed = store.WriteStatus(replicaSets, "default", "web-1", Status(ready: 1));

        Assert.Equal(200, unchanged.Code);
        Assert.Same(stored, unchanged.ReadOnlyBody); // nothing committed, the stored object answered
        Assert.True(allocated < copyCost / 2, $"{allocated} bytes allocated for a write that changes nothing (a copy is {copyCost})");
        Assert.Equal(200, changed.Code);
        var next = store.Peek(replicaSets, "default", "web-1")!;
        Assert.NotSame(stored, next);
        Assert.Equal(1, (int?)next["status"]!["readyReplicas"]);
        Assert.True(JsonNode.DeepEquals(stored["spec"], next["spec"]));
    }

    [Fact]
    public void A_Deployment_Status_And_Annotations_Write_Puts_Copies_In_Place_Of_The_Stored_Ones_And_Writes_Nothing_When_They_Are_The_Same()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var deployments = registry.Find("apps", "v1", "deployments")!;
        Assert.Equal(201, store.Create(deployments, "default", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","annotations":{"a":"1"},"labels":{"app":"web"}},
             "spec":{"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}
            """)!.AsObject()).Code);
        var stored = store.Peek(deployments, "default", "web")!;
        var uid = (string)stored["metadata"]!["uid"]!;
        var status = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = 1 };
        var annotations = new JsonObject { ["a"] = "1", ["deployment.kubernetes.io/revision"] = "1" };

        // What the whole-copy mutation gave: the stored object with the two replaced where they stand (status appended).
        var expected = (JsonObject)stored.DeepClone();
        expected["metadata"]!["annotations"] = annotations.DeepClone();
        expected["status"] = status.DeepClone();
        var written = store.WriteStatusAndAnnotations(deployments, "default", "web", uid, (string)stored["metadata"]!["resourceVersion"]!, status, annotations);
        var after = store.Peek(deployments, "default", "web")!;
        var rv = (string?)after["metadata"]!["resourceVersion"];
        expected["metadata"]!["resourceVersion"] = rv;

        Assert.Equal(200, written.Code);
        Assert.Equal(expected.ToJsonString(), after.ToJsonString());
        Assert.NotSame(status, after["status"]); // copies: the controller keeps its working copy
        status["replicas"] = 2;
        Assert.Equal(1, (int?)after["status"]!["replicas"]);
        status["replicas"] = 1;

        // The same status and annotations, or another uid: nothing is written.
        Assert.Same(after, store.WriteStatusAndAnnotations(deployments, "default", "web", uid, rv!, status, annotations).ReadOnlyBody);
        Assert.Same(after, store.WriteStatusAndAnnotations(deployments, "default", "web", "another-uid", rv!, new JsonObject(), null).ReadOnlyBody);
        Assert.Equal(rv, (string?)store.Peek(deployments, "default", "web")!["metadata"]!["resourceVersion"]);

        // No annotations: the field goes (not an empty map, not null).
        Assert.Equal(200, store.WriteStatusAndAnnotations(deployments, "default", "web", uid, rv!, status, null).Code);
        Assert.False(store.Peek(deployments, "default", "web")!["metadata"]!.AsObject().ContainsKey("annotations"));
        Assert.Equal(404, store.WriteStatusAndAnnotations(deployments, "default", "gone", uid, rv!, status, null).Code);
    }

    [Fact]
    public void A_Whole_Status_That_Changes_Is_Written_In_Place_Of_The_Stored_One_And_The_Rest_Kept()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var replicaSets = registry.Find("apps", "v1", "replicasets")!;
        Assert.Equal(201, store.Create(replicaSets, "default", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1","namespace":"default","labels":{"app":"web"}},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}
            """)!.AsObject()).Code);
        Assert.Equal(200, store.WriteStatus(replicaSets, "default", "web-1", new JsonObject { ["replicas"] = 0 }).Code);
        var stored = store.Peek(replicaSets, "default", "web-1")!;

        var status = new JsonObject { ["replicas"] = 1, ["readyReplicas"] = 1, ["observedGeneration"] = 1 };
        var written = store.WriteStatus(replicaSets, "default", "web-1", status);
        var next = store.Peek(replicaSets, "default", "web-1")!;

        // The stored object with the status in its place and a new resourceVersion, as a mutation of a whole copy gave.
        var expected = (JsonObject)stored.DeepClone();
        expected["status"] = status.DeepClone();
        expected["metadata"]!["resourceVersion"] = (string?)next["metadata"]!["resourceVersion"];
        Assert.Equal(200, written.Code);
        Assert.Equal(expected.ToJsonString(), next.ToJsonString());
        Assert.NotEqual((string?)stored["metadata"]!["resourceVersion"], (string?)next["metadata"]!["resourceVersion"]);
        Assert.Same(status, next["status"]); // the controller's computed status is given away, not copied again
    }

    [Theory]
    [InlineData("batch", "jobs", "active", "failed", "1", """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"o","namespace":"default","labels":{"a":"1"}},"spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"example/c:1"}]}}}}""")]
    [InlineData("", "pods", "message", "reason", "\"x\"", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"o","namespace":"default","labels":{"a":"1"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}""")]
    [InlineData("apps", "deployments", "observedGeneration", "replicas", "1", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"o","namespace":"default"},"spec":{"selector":{"matchLabels":{"a":"1"}},"template":{"metadata":{"labels":{"a":"1"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}""")]
    [InlineData("apps", "replicasets", "observedGeneration", "replicas", "1", """{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"o","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"1"}},"template":{"metadata":{"labels":{"a":"1"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}""")]
    public void A_Status_Write_Commits_Exactly_When_The_Status_Changes_And_Stores_The_Stored_Rest_With_The_New_Status(string group, string plural, string first, string second, string value, string json)
    {
        // Whatever the copy's spec and metadata hold, a status write stores the stored ones: so it writes exactly when the
        // status differs (found by comparing the statuses first), and the stored bytes are the old object's with the new status.
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var type = registry.Find(group, "v1", plural)!;
        Assert.Equal(201, store.Create(type, "default", JsonNode.Parse(json)!.AsObject()).Code);
        var statuses = new[] { first, first, second, second, first };
        var commits = 0;
        var previous = store.Peek(type, "default", "o")!["status"]?.DeepClone();

        foreach (var field in statuses)
        {
            var before = store.Peek(type, "default", "o")!;
            var rv = store.CurrentResourceVersion;
            var result = store.Mutate(type, "default", "o", copy =>
            {
                copy["metadata"]!["labels"] = new JsonObject { ["changed"] = "by the copy" }; // not the status: ignored
                var status = ObjectStore.EnsureObject(copy, "status");
                status.Remove(field == first ? second : first);
                status[field] = JsonNode.Parse(value);
            }, statusOnly: true);

            Assert.Equal(200, result.Code);
            var after = store.Peek(type, "default", "o")!;
            var statusChanged = !JsonNode.DeepEquals(previous, after["status"]);
            Assert.Equal(statusChanged, store.CurrentResourceVersion != rv);
            commits += statusChanged ? 1 : 0;
            var expected = (JsonObject)before.DeepClone();
            expected["status"] = after["status"]?.DeepClone();
            expected["metadata"]!["resourceVersion"] = after["metadata"]!["resourceVersion"]!.DeepClone();
            Assert.Equal(expected.ToJsonString(), after.ToJsonString());
            previous = after["status"]?.DeepClone();
        }

        Assert.Equal(3, commits);
    }

    [Fact]
    public void A_Write_Of_The_Main_Resource_Keeps_The_Stored_Status_Taking_Over_The_Copys_Node_Only_When_It_Is_The_Stored_One()
    {
        var registry = new ResourceRegistry();
        var store = new ObjectStore(registry, TimeProvider.System, 100, 1) { RequireNamespaces = false };
        var pods = registry.Find("", "v1", "pods")!;
        Assert.Equal(201, store.Create(pods, "default", JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","finalizers":["batch.kubernetes.io/job-tracking"]},
             "spec":{"containers":[{"name":"c","image":"example/c:1"}]}}
            """)!.AsObject()).Code);
        Assert.Equal(200, store.Mutate(pods, "default", "p", p => ObjectStore.EnsureObject(p, "status")["phase"] = "Running", statusOnly: true).Code);
        var stored = store.Peek(pods, "default", "p")!;
        JsonNode? copysStatus = null;

        // A controller's copy that leaves the status alone (the job controller releasing its finalizer): its node is kept.
        store.Mutate(pods, "default", "p", p =>
        {
            copysStatus = p["status"];
            p["metadata"]!.AsObject().Remove("finalizers");
        }, statusOnly: false);
        var released = store.Peek(pods, "default", "p")!;

        // A copy that changes the status through the main resource: the stored status is kept (a copy of it).
        store.Mutate(pods, "default", "p", p =>
        {
            p["status"]!["phase"] = "Failed";
            p["metadata"]!["labels"] = new JsonObject { ["a"] = "1" };
        }, statusOnly: false);
        var labelled = store.Peek(pods, "default", "p")!;

        Assert.Null(released["metadata"]!["finalizers"]);
        Assert.Same(copysStatus, released["status"]);
        Assert.Equal(stored["status"]!.ToJsonString(), released["status"]!.ToJsonString());
        Assert.Equal("1", (string?)labelled["metadata"]!["labels"]!["a"]);
        Assert.Equal("Running", (string?)labelled["status"]!["phase"]);
        Assert.NotSame(released["status"], labelled["status"]);
    }
}
