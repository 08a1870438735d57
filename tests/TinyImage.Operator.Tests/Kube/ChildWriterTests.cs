using k8s.Models;
using TinyImage.Operator.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Reconciler;
using Xunit;
using TinyImageResource = TinyImage.Operator.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Kube;

public sealed class ChildWriterTests
{
    [Fact]
    public async Task An_Absent_Child_Is_Created()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        var cache = new ResourceCache<V1ConfigMap>();

        var result = await WriteAsync(h, cache, Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Created, result.Outcome);
        Assert.Equal(1, h.Writes("configmaps"));
        Assert.Equal("v1", (await h.Cluster.ConfigMaps.GetAsync(StepHarness.Namespace, "child", StepHarness.Token))!.Data["value"]);
    }

    [Fact]
    public async Task Our_Child_The_Cache_Has_Not_Seen_Is_Adopted_On_AlreadyExists()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        Assert.True((await h.Cluster.ConfigMaps.CreateAsync(Desired(owner, "v1"), StepHarness.Token)).IsOk);
        h.Kube.Requests.Clear();

        var result = await WriteAsync(h, new ResourceCache<V1ConfigMap>(), Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Unchanged, result.Outcome);
        Assert.NotNull(result.Value);
        Assert.Equal([("create", 409)], h.Kube.Requests.Where(r => r.IsWrite).Select(r => (r.Verb, r.StatusCode)));
    }

    [Fact]
    public async Task A_Child_Name_Held_By_An_Object_Not_Controlled_By_The_Owner_Is_Not_Ours_And_Is_Left_Alone()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        var foreign = StepHarness.ForeignConfigMap("child");
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(h.Cluster.ConfigMaps, cache, foreign);
        h.Kube.Requests.Clear();

        var cached = await WriteAsync(h, cache, Desired(owner, "v1"), owner);
        var uncached = await WriteAsync(h, new ResourceCache<V1ConfigMap>(), Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.NotOurs, cached.Outcome);
        Assert.Equal(ApplyOutcome.NotOurs, uncached.Outcome);
        Assert.Equal([("create", 409)], h.Kube.Requests.Where(r => r.IsWrite).Select(r => (r.Verb, r.StatusCode)));
        Assert.Equal("yes", (await h.Cluster.ConfigMaps.GetAsync(StepHarness.Namespace, "child", StepHarness.Token))!.Data["mine"]);
    }

    [Fact]
    public async Task Our_Child_That_Matches_Is_Unchanged_Without_A_Write()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(h.Cluster.ConfigMaps, cache, Desired(owner, "v1"));
        var before = h.Writes();

        var result = await WriteAsync(h, cache, Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Unchanged, result.Outcome);
        Assert.Equal(before, h.Writes());
    }

    [Fact]
    public async Task Our_Child_That_Differs_Is_Updated_With_The_Mutation()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(h.Cluster.ConfigMaps, cache, Desired(owner, "v1"));

        var result = await WriteAsync(h, cache, Desired(owner, "v2"), owner);

        Assert.Equal(ApplyOutcome.Updated, result.Outcome);
        Assert.Equal(1, h.Kube.Requests.Count("update", "configmaps"));
        Assert.Equal("v2", (await h.Cluster.ConfigMaps.GetAsync(StepHarness.Namespace, "child", StepHarness.Token))!.Data["value"]);
    }

    [Fact]
    public async Task An_Update_From_A_Stale_Cache_Is_A_Conflict()
    {
        await using var h = await StepHarness.StartAsync();
        var owner = await h.CreateTinyImageAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(h.Cluster.ConfigMaps, cache, Desired(owner, "v1"));
        Assert.True(h.Kube.Mutate("v1", "configmaps", StepHarness.Namespace, "child", c => c["data"]!["value"] = "someone else").IsSuccess);

        var result = await WriteAsync(h, cache, Desired(owner, "v2"), owner);

        Assert.Equal(ApplyOutcome.Conflict, result.Outcome);
        Assert.Null(result.Value);
        Assert.Equal("someone else", (await h.Cluster.ConfigMaps.GetAsync(StepHarness.Namespace, "child", StepHarness.Token))!.Data["value"]);
    }

    private static Task<ApplyResult<V1ConfigMap>> WriteAsync(StepHarness h, ResourceCache<V1ConfigMap> cache, V1ConfigMap desired, TinyImageResource owner) =>
        ChildWriter.CreateOrUpdateAsync(
            h.Cluster.ConfigMaps,
            cache,
            desired,
            owner.Metadata.Uid,
            actual => actual.Data?["value"] == desired.Data["value"],
            actual => actual.Data = desired.Data,
            StepHarness.Token);

    private static V1ConfigMap Desired(TinyImageResource owner, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = "child",
            NamespaceProperty = StepHarness.Namespace,
            OwnerReferences = [Owners.ControllerReference(owner, TinyImageTypes.TinyImages.ApiVersion, TinyImageTypes.TinyImages.Kind)],
        },
        Data = new Dictionary<string, string> { ["value"] = value },
    };
}
