using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Workloads;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>The cases of kubernetes pkg/controller/deployment/util/deployment_util_test.go, taken as facts.</summary>
public sealed class DeploymentUtilTableTests
{
    // TestResolveFenceposts
    [Theory]
    [InlineData("0%", "0%", 0, 0, 1)]
    [InlineData("39%", "39%", 10, 4, 3)]
    [InlineData(null, "39%", 10, 0, 3)]
    [InlineData("39%", null, 10, 4, 0)]
    [InlineData(null, null, 10, 0, 1)]
    public void ResolveFenceposts_Rounds_Surge_Up_And_Unavailable_Down_And_Never_Resolves_Both_To_Zero(string? maxSurge, string? maxUnavailable, int desired, int surge, int unavailable)
    {
        var resolved = Fenceposts.Resolve(maxSurge is null ? null : JsonValue.Create(maxSurge), maxUnavailable is null ? null : JsonValue.Create(maxUnavailable), desired);

        Assert.Equal((surge, unavailable), resolved);
    }

    [Theory]
    [InlineData("oops", "39%")]
    [InlineData("55%", "urg")]
    public void ResolveFenceposts_Refuses_A_Value_That_Is_Neither_An_Int_Nor_A_Percent(string maxSurge, string maxUnavailable)
    {
        Assert.Null(Fenceposts.Resolve(JsonValue.Create(maxSurge), JsonValue.Create(maxUnavailable), 10));
    }

    [Fact]
    public void The_Api_Defaults_Of_25_Percent_Give_One_Surge_Pod_And_No_Unavailable_Pod_For_One_Replica()
    {
        var d = Deployment(replicas: 1, strategy: null);

        Assert.Equal(1, Fenceposts.MaxSurge(d));
        Assert.Equal(0, Fenceposts.MaxUnavailable(d));
    }

    // TestNewRSNewReplicas: the other ReplicaSet has 5 replicas; maxUnavailable 1.
    [Theory]
    [InlineData("RollingUpdate", 1, 5, 1, 5)]
    [InlineData("RollingUpdate", 6, 2, 10, 6)]
    [InlineData("Recreate", 3, 1, 1, 3)]
    public void NewRSNewReplicas_Scales_Up_Within_MaxSurge_And_Never_Past_The_Deployment_Replicas(string strategy, int depReplicas, int newRsReplicas, int maxSurge, int expected)
    {
        var d = Deployment(depReplicas, new JsonObject { ["type"] = strategy, ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = maxSurge } });

        Assert.Equal(expected, Fenceposts.NewReplicaSetReplicas(d, allReplicaSetsSpecReplicas: 5, newRsReplicas));
    }

    // TestMaxUnavailable (maxSurge 1)
    [Theory]
    [InlineData(10, 5, 5)]
    [InlineData(10, 10, 10)]
    [InlineData(5, 10, 5)]
    [InlineData(0, 10, 0)]
    [InlineData(10, "50%", 5)]
    [InlineData(10, "100%", 10)]
    [InlineData(5, "100%", 5)]
    public void MaxUnavailable_Is_Capped_At_The_Replicas(int replicas, object maxUnavailable, int expected)
    {
        var d = Deployment(replicas, new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = maxUnavailable is int i ? JsonValue.Create(i) : JsonValue.Create((string)maxUnavailable) },
        });

        Assert.Equal(expected, Fenceposts.MaxUnavailable(d));
    }

    [Fact]
    public void MaxUnavailable_Of_A_Recreate_Deployment_Is_Zero() =>
        Assert.Equal(0, Fenceposts.MaxUnavailable(Deployment(3, new JsonObject { ["type"] = "Recreate" })));

    // TestDeploymentComplete: desired, current, updated, available, maxUnavailable, maxSurge
    [Theory]
    [InlineData(5, 5, 5, 4, 1, 0, false)]
    [InlineData(5, 5, 5, 3, 1, 0, false)]
    [InlineData(5, 5, 5, 5, 0, 0, true)]
    [InlineData(5, 5, 4, 5, 0, 0, false)]
    [InlineData(1, 2, 1, 1, 0, 1, false)]
    [InlineData(1, 1, 1, 0, 1, 1, false)]
    public void DeploymentComplete_Needs_Every_Replica_Updated_And_Available_And_No_Old_One(int desired, int current, int updated, int available, int maxUnavailable, int maxSurge, bool expected)
    {
        var d = Deployment(desired, new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = maxUnavailable, ["maxSurge"] = maxSurge } });
        var status = Status(current, updated, 0, available);

        Assert.Equal(expected, DeploymentController.DeploymentComplete(d, status));
    }

    // TestDeploymentProgressing: (current, updated, ready, available) before and after
    [Theory]
    [InlineData(10, 4, 4, 4, 10, 6, 4, 4, true)]
    [InlineData(10, 4, 4, 4, 10, 4, 4, 4, false)]
    [InlineData(10, 4, 6, 6, 8, 4, 6, 6, true)]
    [InlineData(10, 7, 3, 3, 10, 6, 3, 3, false)]
    [InlineData(10, 4, 7, 7, 8, 8, 5, 5, true)]
    [InlineData(10, 10, 9, 8, 10, 10, 10, 8, true)]
    [InlineData(10, 10, 10, 9, 10, 10, 10, 10, true)]
    public void DeploymentProgressing_Sees_More_Updated_Ready_Or_Available_Pods_Or_Fewer_Old_Ones(
        int current, int updated, int ready, int available, int newCurrent, int newUpdated, int newReady, int newAvailable, bool expected)
    {
        var d = Deployment(10, null);
        d.ReplaceStatus(Status(current, updated, ready, available));

        Assert.Equal(expected, DeploymentController.DeploymentProgressing(d, Status(newCurrent, newUpdated, newReady, newAvailable)));
    }

    // TestDeploymentTimedOut: last update at 00:01:09 or 00:01:11, now 00:01:20.
    [Theory]
    [InlineData(null, 9, "", false)]
    [InlineData(int.MaxValue, 9, "", false)]
    [InlineData(10, 9, "", true)]
    [InlineData(10, 11, "", false)]
    [InlineData(10, 0, "NewReplicaSetAvailable", false)]
    public void DeploymentTimedOut_Compares_The_Last_Progress_Plus_The_Deadline_With_Now(int? deadline, int second, string reason, bool expected)
    {
        var d = Deployment(1, null, deadline ?? int.MaxValue); // upstream's nil (no deadline) is MaxInt32 here: the API defaults nil to 600

        var status = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Progressing", ["status"] = "True", ["reason"] = reason, ["lastUpdateTime"] = $"2016-01-01T00:01:{second:00}Z",
            }),
        };

        Assert.Equal(expected, DeploymentController.DeploymentTimedOut(d, status, new DateTimeOffset(2016, 1, 1, 0, 1, 20, TimeSpan.Zero)));
    }

    // TestEqualIgnoreHash (both orders)
    [Theory]
    [InlineData("foo", "foo", "{\"pod-template-hash\":\"value-1\",\"something\":\"else\"}", "{\"pod-template-hash\":\"value-1\",\"something\":\"else\"}", true)]
    [InlineData("foo", "foo", "{\"pod-template-hash\":\"value-1\",\"something\":\"else\"}", "{\"pod-template-hash\":\"value-2\",\"something\":\"else\"}", true)]
    [InlineData("foo", "foo", "{\"something\":\"else\"}", "{\"pod-template-hash\":\"value-2\",\"something\":\"else\"}", true)]
    [InlineData("foo", "foo", "{\"something\":\"else\"}", "{\"pod-template-hash\":\"value-2\"}", false)]
    [InlineData("foo", "foo", "{\"pod-template-hash\":\"value-1\"}", "{\"pod-template-hash\":\"value-1\",\"something\":\"else\"}", false)]
    [InlineData("foo-1", "foo-2", "{\"pod-template-hash\":\"value-1\",\"something\":\"else\"}", "{\"pod-template-hash\":\"value-2\",\"something\":\"else\"}", false)]
    [InlineData("foo", "foo", "{\"something\":\"else\"}", "{\"nothing\":\"else\"}", false)]
    public void EqualIgnoreHash_Ignores_Only_The_Pod_Template_Hash_Label(string formerName, string latterName, string formerLabels, string latterLabels, bool expected)
    {
        var former = Template(formerName, formerLabels);
        var latter = Template(latterName, latterLabels);

        Assert.Equal(expected, PodTemplateHash.EqualIgnoreHash(former, latter));
        Assert.Equal(expected, PodTemplateHash.EqualIgnoreHash(latter, former));
    }

    [Fact]
    public void The_Pod_Template_Hash_Is_Stable_Uses_The_Safe_Alphabet_And_Changes_With_The_Collision_Count()
    {
        var template = Template("foo", "{\"app\":\"web\"}");

        var hash = PodTemplateHash.Compute(template, null);

        Assert.Equal(hash, PodTemplateHash.Compute((JsonObject)template.DeepClone(), null));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", hash);
        Assert.NotEqual(hash, PodTemplateHash.Compute(template, 1));
        Assert.Equal("bcd", PodTemplateHash.SafeEncode("\u001b\u001c\u001d")); // rand.SafeEncodeString maps each rune modulo the alphabet
    }

    [Fact]
    public void The_Pod_Template_Hash_Of_A_Template_Is_The_Same_After_A_Larger_One_Was_Hashed_On_The_Thread()
    {
        // The canonical JSON is written into a buffer reused per thread: a longer one written before leaves nothing behind.
        var small = Template("foo", "{\"app\":\"web\"}");
        var first = PodTemplateHash.Compute(small, null);
        var large = Template("foo", "{\"app\":\"web\",\"big\":\"" + new string('x', 20_000) + "\"}");

        var largeHash = PodTemplateHash.Compute(large, null);

        Assert.NotEqual(first, largeHash);
        Assert.Equal(first, PodTemplateHash.Compute(small, null));
        Assert.Equal(largeHash, PodTemplateHash.Compute((JsonObject)large.DeepClone(), null));
    }

    private static JsonObject Template(string name, string labels) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = JsonNode.Parse(labels) },
        ["spec"] = new JsonObject { ["nodeName"] = "foo-node" },
    };

    private static DeploymentView Deployment(int replicas, JsonObject? strategy, int? progressDeadlineSeconds = null)
    {
        var spec = new JsonObject { ["replicas"] = replicas };
        if (progressDeadlineSeconds is { } deadline)
        {
            spec["progressDeadlineSeconds"] = deadline;
        }

        if (strategy is not null)
        {
            spec["strategy"] = strategy;
        }

        return new DeploymentView(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "nginx", ["namespace"] = "default", ["generation"] = 0 }, ["spec"] = spec });
    }

    private static JsonObject Status(int current, int updated, int ready, int available) => new()
    {
        ["replicas"] = current,
        ["updatedReplicas"] = updated,
        ["readyReplicas"] = ready,
        ["availableReplicas"] = available,
    };

    [Fact]
    public void The_View_Copies_Status_And_Annotations_On_Their_First_Write_And_Reads_Everything_Else_In_Place()
    {
        var stored = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "nginx", ["namespace"] = "default", ["annotations"] = new JsonObject { ["a"] = "1" } },
            ["spec"] = new JsonObject { ["replicas"] = 3, ["template"] = new JsonObject() },
            ["status"] = new JsonObject { ["replicas"] = 1 },
        };
        var before = stored.DeepClone();

        var d = new DeploymentView(stored);

        // A sync that only reads (most syncs: the events of the controller's own writes) copies nothing.
        Assert.Same(stored["spec"], d.Spec);
        Assert.Same(stored["spec"]!["template"], d.Template);
        Assert.Same(stored["status"], d.Status);
        Assert.Same(stored["status"], d.StatusNode);
        Assert.Same(stored["metadata"]!["annotations"], d.Annotations);
        Assert.Equal(3, d.Replicas);

        // The first write copies: the object read is never written.
        d.WritableStatus()["replicas"] = 3;
        d.WritableAnnotations()["a"] = "2";
        Assert.NotSame(stored["status"], d.Status);
        Assert.Same(d.WritableStatus(), d.Status);
        Assert.Equal(3, (int)d.Status["replicas"]!);
        Assert.Equal("2", (string?)d.Annotations!["a"]);
        Assert.True(JsonNode.DeepEquals(before, stored));

        // A replaced status is the one read and written from then on.
        var replaced = new JsonObject { ["replicas"] = 2 };
        d.ReplaceStatus(replaced);
        Assert.Same(replaced, d.StatusNode);
        Assert.Same(replaced, d.WritableStatus());
        Assert.True(JsonNode.DeepEquals(before, stored));
    }

    [Fact]
    public void A_View_Of_A_Deployment_Without_Status_Or_Annotations_Writes_Into_New_Ones()
    {
        var stored = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "nginx", ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["replicas"] = 1 },
        };

        var d = new DeploymentView(stored);

        Assert.Null(d.StatusNode);
        Assert.Null(d.Annotations);
        Assert.Empty(d.Status);
        d.WritableStatus()["observedGeneration"] = 1;
        d.WritableAnnotations()["deployment.kubernetes.io/revision"] = "1";
        Assert.Equal(1, (int)d.StatusNode!["observedGeneration"]!);
        Assert.Equal("1", (string?)d.Annotations!["deployment.kubernetes.io/revision"]);
        Assert.False(stored.ContainsKey("status"));
        Assert.Null(stored["metadata"]!["annotations"]);
    }

    [Theory]
    [InlineData(null, "5f5c977cff")]
    [InlineData(3, "7889c64bd")]
    public void The_Pod_Template_Hash_Is_Taken_Of_The_Template_With_Sorted_Keys_As_Always(int? collisionCount, string expected)
    {
        // Keys out of order at every level, strings the default encoder escapes, numbers of each kind, a null, nested arrays:
        // the hash names existing ReplicaSets, so the bytes it is taken of must not change.
        var template = JsonNode.Parse("""
            {"spec":{"containers":[{"name":"app","image":"r/a+b<c>:1","args":["--x=\"q\"","é✓"],"ports":[{"containerPort":8080}]}],
                     "terminationGracePeriodSeconds":30,"priority":-1,"ratio":0.25,"big":12345678901234,"nodeName":null},
             "metadata":{"labels":{"z":"1","a":"2"},"annotations":{}}}
            """)!.AsObject();
        template["spec"]!["added"] = 7; // a value built in .NET, not parsed

        Assert.Equal(expected, PodTemplateHash.Compute(template, collisionCount));
    }
}
