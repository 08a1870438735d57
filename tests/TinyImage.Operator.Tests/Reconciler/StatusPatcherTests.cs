using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using C = TinyImage.Api.V1Alpha1.Conditions;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// Issue 17, eighth round: the patcher compares a draft with a status the operator wrote by the hash of the JSON it sent,
/// and with any other status by that status's JSON. Either way an equal status is not written and a changed one is.
/// </summary>
public sealed class StatusPatcherTests
{
    private static TinyImageStatus Status(string phase, string message) => new()
    {
        ObservedGeneration = 1,
        Phase = phase,
        Conditions = [new V1Condition { Type = C.Ready, Status = C.False, Reason = "Building", Message = message, ObservedGeneration = 1, LastTransitionTime = StepHarness.Now.UtcDateTime }],
        Build = new BuildStatus { JobName = "hello-build", SpecHash = "abc", StartTime = StepHarness.Now.UtcDateTime },
    };

    [Fact]
    public async Task The_Next_Pass_Over_The_Operators_Own_Write_Writes_Only_A_Changed_Status()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        var tinyImage = await harness.CreateTinyImageAsync();
        var recent = new RecentWrites<TinyImageResource>();
        var first = new StatusPatcher(harness.Cluster.TinyImages, recent, tinyImage);
        Assert.True(await first.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        var writes = harness.Writes("tinyimages");

        // The next pass reads the written object (the cache takes it for its watch event) and drafts on a copy of it.
        var next = new StatusPatcher(harness.Cluster.TinyImages, recent, first.Current);
        Assert.True(await next.WriteIfChangedAsync(StatusCopy.Of(first.Current.Status!), StepHarness.Token));
        Assert.True(await next.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        Assert.Equal(writes, harness.Writes("tinyimages"));

        Assert.True(await next.WriteIfChangedAsync(Status(Phases.Building, "building, step 2"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
        var stored = harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello").Body["status"]!;
        Assert.Equal("building, step 2", (string?)stored["conditions"]![0]!["message"]);
    }

    [Fact]
    public async Task A_Status_Someone_Else_Wrote_Is_Compared_By_Its_Json()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        await harness.CreateTinyImageAsync();
        var draft = Status(Phases.Building, "building");
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(StatusCopy.Of(draft), TinyImage.Api.ApiJson.TypeInfo<TinyImageStatus>()))!.AsObject();
        Assert.True(harness.Kube.MutateStatus("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello", o => o["status"] = json.DeepClone()).IsSuccess);
        var read = (await harness.Cluster.TinyImages.GetAsync(StepHarness.Namespace, "hello", StepHarness.Token))!;
        var writes = harness.Writes("tinyimages");

        var patcher = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), read);
        Assert.True(await patcher.WriteIfChangedAsync(StatusCopy.Of(draft), StepHarness.Token));
        Assert.Equal(writes, harness.Writes("tinyimages"));

        Assert.True(await patcher.WriteIfChangedAsync(Status(Phases.Failed, "building"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
    }

    [Fact]
    public async Task A_Status_Someone_Else_Changed_After_The_Operators_Write_Is_Compared_By_Its_Own_Json()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        var tinyImage = await harness.CreateTinyImageAsync();
        var first = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), tinyImage);
        Assert.True(await first.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));

        // Someone else rewrites the status; the cache sees a new object (another instance, another status).
        Assert.True(harness.Kube.MutateStatus("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello", o => o["status"]!["phase"] = Phases.Failed).IsSuccess);
        var read = (await harness.Cluster.TinyImages.GetAsync(StepHarness.Namespace, "hello", StepHarness.Token))!;
        var writes = harness.Writes("tinyimages");

        // The operator's draft equals its own earlier write, not what is stored now: it is written back.
        var patcher = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), read);
        Assert.True(await patcher.WriteIfChangedAsync(Status(Phases.Building, "building"), StepHarness.Token));
        Assert.Equal(writes + 1, harness.Writes("tinyimages"));
        Assert.Equal(Phases.Building, (string?)harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello").Body["status"]!["phase"]);
    }

    /// <summary>
    /// The written object is built from the one read and the status sent, not decoded from the answer: it must be what
    /// the server stores (metadata at the new resourceVersion, spec, status), managed fields aside, which the informer drops.
    /// </summary>
    [Fact]
    public async Task The_Written_Object_Is_What_The_Server_Stores()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        await harness.CreateTinyImageAsync(edit: o => (o["metadata"]!["labels"], o["metadata"]!["annotations"]) = (new JsonObject { ["team"] = "a" }, new JsonObject { ["note"] = "é \"quoted\"" }));
        var read = (await harness.Cluster.TinyImages.GetAsync(StepHarness.Namespace, "hello", StepHarness.Token))!;
        read.Metadata.ManagedFields = null; // as the informer caches it
        var recent = new RecentWrites<TinyImageResource>();
        var patcher = new StatusPatcher(harness.Cluster.TinyImages, recent, read);
        var status = Status(Phases.Building, "building");
        status.Conditions![0].LastTransitionTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567); // finer than the JSON

        Assert.True(await patcher.WriteIfChangedAsync(status, StepHarness.Token));
        Assert.True(await patcher.WriteIfChangedAsync(Status(Phases.Failed, "second write, based on the first"), StepHarness.Token));

        // Both through the operator's own model and serializer, so only content counts (not how each side spells a time).
        var info = TinyImage.Api.ApiJson.TypeInfo<TinyImageResource>();
        var stored = System.Text.Json.JsonSerializer.Deserialize(harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, "hello").Body.ToJsonString(), info)!;
        stored.Metadata.ManagedFields = null;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(stored, info), System.Text.Json.JsonSerializer.Serialize(patcher.Current, info));
        Assert.Equal(Phases.Failed, patcher.Current.Status!.Phase);
        Assert.Same(patcher.Current, recent.Written(new ObjectKey(StepHarness.Namespace, "hello"), stored.Metadata.ResourceVersion));
    }

    [Fact]
    public void The_Metadata_Copy_Keeps_Every_Member_But_The_Resource_Version_And_The_Managed_Fields()
    {
        var metadata = new V1ObjectMeta();
        var index = 0;
        foreach (var property in typeof(V1ObjectMeta).GetProperties().Where(p => p.CanWrite))
        {
            index++;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = type == typeof(string) ? "v" + index
                : type == typeof(long) ? (long)index
                : type == typeof(DateTime) ? new DateTime(2026, 1, 1, 0, 0, index, DateTimeKind.Utc)
                : type == typeof(IDictionary<string, string>) ? new Dictionary<string, string> { ["k"] = "v" + index }
                : type == typeof(IList<string>) ? new List<string> { "f" + index }
                : type == typeof(IList<V1OwnerReference>) ? new List<V1OwnerReference> { new() { Name = "o", Uid = "u", Kind = "K", ApiVersion = "v1" } }
                : type == typeof(IList<V1ManagedFieldsEntry>) ? new List<V1ManagedFieldsEntry> { new() { Manager = "m" } }
                : throw new InvalidOperationException("a V1ObjectMeta member of a type the test does not fill: " + property.Name + " " + type);
            property.SetValue(metadata, value);
        }

        var copy = StatusPatcher.WithResourceVersion(metadata, "42");

        Assert.Equal("42", copy.ResourceVersion);
        Assert.Null(copy.ManagedFields);
        foreach (var property in typeof(V1ObjectMeta).GetProperties().Where(p => p.CanWrite && p.Name is not (nameof(V1ObjectMeta.ResourceVersion) or nameof(V1ObjectMeta.ManagedFields))))
        {
            Assert.True(Equals(property.GetValue(metadata), property.GetValue(copy)), property.Name + " is not copied");
        }
    }
}
