using k8s.Models;
using TinyImage.KubeEmulator;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>ChildWriter against the strict emulator; the owner is a ConfigMap, so nothing here knows a TinyImage.</summary>
public sealed class ChildWriterTests
{
    [Fact]
    public async Task An_Absent_Child_Is_Created()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        var cache = new ResourceCache<V1ConfigMap>();

        var result = await WriteAsync(h, cache, Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Created, result.Outcome);
        Assert.Equal(1, h.Kube.Requests.Writes("configmaps"));
        Assert.Equal("v1", (await h.ConfigMaps.GetAsync(Harness.Namespace, "child", Harness.Token))!.Data["value"]);
    }

    [Fact]
    public async Task A_Caller_That_Reads_No_Created_Object_Gets_The_Outcome_Without_The_Servers_Copy()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();

        var result = await ChildWriter.CreateOrUpdateAsync(h.ConfigMaps, new ResourceCache<V1ConfigMap>(), Desired(owner, "v1"), owner.Metadata.Uid,
            _ => true, _ => { }, Harness.Token, readCreated: false);

        Assert.Equal(ApplyOutcome.Created, result.Outcome);
        Assert.Null(result.Value); // the answer was not decoded
        Assert.Equal("v1", (await h.ConfigMaps.GetAsync(Harness.Namespace, "child", Harness.Token))!.Data["value"]);
    }

    [Fact]
    public async Task Our_Child_The_Cache_Has_Not_Seen_Is_Adopted_On_AlreadyExists()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        Assert.True((await h.ConfigMaps.CreateAsync(Desired(owner, "v1"), Harness.Token)).IsOk);
        h.Kube.Requests.Clear();

        var result = await WriteAsync(h, new ResourceCache<V1ConfigMap>(), Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Unchanged, result.Outcome);
        Assert.NotNull(result.Value);
        Assert.Equal([("create", 409)], h.Kube.Requests.Where(r => r.IsWrite).Select(r => (r.Verb, r.StatusCode)));
    }

    [Fact]
    public async Task A_Child_Name_Held_By_An_Object_Not_Controlled_By_The_Owner_Is_Not_Ours_And_Is_Left_Alone()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        var foreign = Harness.ConfigMap("child", null, "mine", "yes");
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(cache, foreign);
        h.Kube.Requests.Clear();

        var cached = await WriteAsync(h, cache, Desired(owner, "v1"), owner);
        var uncached = await WriteAsync(h, new ResourceCache<V1ConfigMap>(), Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.NotOurs, cached.Outcome);
        Assert.Equal(ApplyOutcome.NotOurs, uncached.Outcome);
        Assert.Equal([("create", 409)], h.Kube.Requests.Where(r => r.IsWrite).Select(r => (r.Verb, r.StatusCode)));
        Assert.Equal("yes", (await h.ConfigMaps.GetAsync(Harness.Namespace, "child", Harness.Token))!.Data["mine"]);
    }

    [Fact]
    public async Task Our_Child_That_Matches_Is_Unchanged_Without_A_Write()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(cache, Desired(owner, "v1"));
        var before = h.Kube.Requests.Where(r => r.IsWrite).Count;

        var result = await WriteAsync(h, cache, Desired(owner, "v1"), owner);

        Assert.Equal(ApplyOutcome.Unchanged, result.Outcome);
        Assert.Equal(before, h.Kube.Requests.Where(r => r.IsWrite).Count);
    }

    [Fact]
    public async Task Our_Child_That_Differs_Is_Updated_With_The_Mutation()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(cache, Desired(owner, "v1"));

        var result = await WriteAsync(h, cache, Desired(owner, "v2"), owner);

        Assert.Equal(ApplyOutcome.Updated, result.Outcome);
        Assert.Equal(1, h.Kube.Requests.Count("update", "configmaps"));
        Assert.Equal("v2", (await h.ConfigMaps.GetAsync(Harness.Namespace, "child", Harness.Token))!.Data["value"]);
    }

    [Fact]
    public async Task An_Update_From_A_Stale_Cache_Is_A_Conflict()
    {
        await using var h = await Harness.StartAsync();
        var owner = await h.CreateOwnerAsync();
        var cache = new ResourceCache<V1ConfigMap>();
        await h.SeedAsync(cache, Desired(owner, "v1"));
        Assert.True(h.Kube.Mutate("v1", "configmaps", Harness.Namespace, "child", c => c["data"]!["value"] = "someone else").IsSuccess);

        var result = await WriteAsync(h, cache, Desired(owner, "v2"), owner);

        Assert.Equal(ApplyOutcome.Conflict, result.Outcome);
        Assert.Null(result.Value);
        Assert.Equal("someone else", (await h.ConfigMaps.GetAsync(Harness.Namespace, "child", Harness.Token))!.Data["value"]);
    }

    private static Task<ApplyResult<V1ConfigMap>> WriteAsync(Harness h, ResourceCache<V1ConfigMap> cache, V1ConfigMap desired, V1ConfigMap owner) =>
        ChildWriter.CreateOrUpdateAsync(
            h.ConfigMaps,
            cache,
            desired,
            owner.Metadata.Uid,
            actual => actual.Data?["value"] == desired.Data["value"],
            actual => actual.Data = desired.Data,
            Harness.Token);

    private static V1ConfigMap Desired(V1ConfigMap owner, string value) =>
        Harness.ConfigMap("child", Owners.ControllerReference(owner, "v1", "ConfigMap"), "value", value);

    private sealed class Harness : IAsyncDisposable
    {
        public const string Namespace = "demo";

        private readonly KubeConnection connection;

        private Harness(ApiServerEmulator kube)
        {
            Kube = kube;
            connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
            ConfigMaps = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);
        }

        public static CancellationToken Token => TestContext.Current.CancellationToken;

        public ApiServerEmulator Kube { get; }

        public ResourceClient<V1ConfigMap> ConfigMaps { get; }

        public static async Task<Harness> StartAsync() =>
            new(await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token));

        public static V1ConfigMap ConfigMap(string name, V1OwnerReference? controller, string key, string value) => new()
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, OwnerReferences = controller is null ? null : [controller] },
            Data = new Dictionary<string, string> { [key] = value },
        };

        /// <summary>The owner: any object with a uid will do. The request log starts after it.</summary>
        public async Task<V1ConfigMap> CreateOwnerAsync()
        {
            var created = await ConfigMaps.CreateAsync(ConfigMap("owner", null, "role", "owner"), Token);
            Assert.True(created.IsOk);
            Kube.Requests.Clear();
            return created.Value!;
        }

        public async Task SeedAsync(ResourceCache<V1ConfigMap> cache, V1ConfigMap value)
        {
            var created = await ConfigMaps.CreateAsync(value, Token);
            Assert.True(created.IsOk);
            cache.Upsert(created.Value!);
        }

        public async ValueTask DisposeAsync()
        {
            connection.Dispose();
            await Kube.DisposeAsync();
        }
    }
}
