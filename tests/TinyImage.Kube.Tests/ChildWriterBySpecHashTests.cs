using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>
/// ChildWriter.CreateOrUpdateBySpecHashAsync against the strict emulator: Deployments (the server raises their
/// generation on each spec change) cached without their pod template, as the operator caches them.
/// </summary>
public sealed class ChildWriterBySpecHashTests
{
    private const string Namespace = "demo";
    private const string HashAnnotation = "test/spec-hash";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Cached_Child_At_The_Generation_Of_Our_Write_With_The_Desired_Hash_Is_Unchanged_Without_A_Request()
    {
        await using var h = await Harness.StartAsync();
        Assert.Equal(ApplyOutcome.Created, (await h.WriteAsync("v1")).Outcome);
        await h.SyncAsync();
        h.Kube.Requests.Clear();

        var result = await h.WriteAsync("v1");

        Assert.Equal(ApplyOutcome.Unchanged, result.Outcome);
        Assert.Same(h.Cache.Get(Namespace, "child"), result.Value);
        Assert.Empty(h.Kube.Requests.All);
    }

    [Fact]
    public async Task A_Spec_Someone_Else_Changed_Is_Read_In_Full_Compared_And_Put_Back_Then_Judged_From_The_Cache_Again()
    {
        await using var h = await Harness.StartAsync();
        await h.WriteAsync("v1");
        // Someone edits the pod template: the hash annotation still says v1, only the generation tells.
        Assert.True(h.Kube.Mutate("apps/v1", "deployments", Namespace, "child", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("--drift")).IsSuccess);
        await h.SyncAsync();
        h.Kube.Requests.Clear();

        var result = await h.WriteAsync("v1");

        Assert.Equal(ApplyOutcome.Updated, result.Outcome);
        Assert.Equal([("get", 200), ("update", 200)], h.Kube.Requests.All.Select(r => (r.Verb, r.StatusCode)));
        var stored = (await h.Deployments.GetAsync(Namespace, "child", Token))!;
        Assert.Null(stored.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal(3, stored.Metadata.Generation);

        await h.SyncAsync();
        h.Kube.Requests.Clear();
        Assert.Equal(ApplyOutcome.Unchanged, (await h.WriteAsync("v1")).Outcome);
        Assert.Empty(h.Kube.Requests.All);
    }

    [Fact]
    public async Task A_Generation_Not_Known_After_A_Restart_Costs_One_Full_Read_And_No_Write_When_The_Spec_Matches()
    {
        await using var h = await Harness.StartAsync();
        await h.WriteAsync("v1");
        await h.SyncAsync();
        await using var restarted = h.Restart();
        h.Kube.Requests.Clear();

        var first = await restarted.WriteAsync("v1");
        var second = await restarted.WriteAsync("v1");

        Assert.Equal((ApplyOutcome.Unchanged, ApplyOutcome.Unchanged), (first.Outcome, second.Outcome));
        Assert.Equal([("get", 200)], h.Kube.Requests.All.Select(r => (r.Verb, r.StatusCode)));
    }

    [Fact]
    public async Task A_Changed_Desired_Spec_Is_Written_Onto_A_Full_Read_Never_Onto_The_Cached_Form()
    {
        await using var h = await Harness.StartAsync();
        await h.WriteAsync("v1");
        await h.SyncAsync();
        Assert.Null(h.Cache.Get(Namespace, "child")!.Spec.Template.Spec.Containers[0].Ports);
        h.Kube.Requests.Clear();

        // The mutation changes the image only: what the cached form strips (the ports) must survive the update.
        var result = await h.WriteAsync("v2", mutateImageOnly: true);

        Assert.Equal(ApplyOutcome.Updated, result.Outcome);
        Assert.Equal([("get", 200), ("update", 200)], h.Kube.Requests.All.Select(r => (r.Verb, r.StatusCode)));
        var stored = (await h.Deployments.GetAsync(Namespace, "child", Token))!;
        Assert.Equal("registry.local/app:v2", stored.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(8080, stored.Spec.Template.Spec.Containers[0].Ports.Single().ContainerPort);
        Assert.Equal(Harness.Hash("v2"), stored.Metadata.Annotations[HashAnnotation]);
    }

    [Fact]
    public async Task A_Cached_Child_Another_Owner_Controls_Is_Not_Ours_Without_A_Request()
    {
        await using var h = await Harness.StartAsync();
        var foreign = Harness.Desired("v1", owner: null);
        Assert.True((await h.Deployments.CreateAsync(foreign, Token)).IsOk);
        await h.SyncAsync();
        h.Kube.Requests.Clear();

        var result = await h.WriteAsync("v1");

        Assert.Equal(ApplyOutcome.NotOurs, result.Outcome);
        Assert.Empty(h.Kube.Requests.All);
        Assert.Equal(0, h.Generations.Count);
    }

    /// <summary>
    /// Issue 17, eighth round: the answer of a create is read with the metadata the caller gives (the cached form's), so
    /// the pod template the cache drops is never built; the generation and uid the next pass judges by are read.
    /// </summary>
    [Fact]
    public async Task A_Created_Childs_Answer_Is_Read_With_The_Given_Metadata_And_Its_Generation_Remembered()
    {
        await using var h = await Harness.StartAsync();
        var slim = SkippingJson.ItemInfo<V1Deployment>(new Dictionary<Type, Func<string, bool>>
        {
            [typeof(V1PodSpec)] = property => property == "containers",
            [typeof(V1Container)] = property => property is "name" or "image",
        });

        var created = await h.WriteAsync("v1", createdInfo: slim);

        Assert.Equal(ApplyOutcome.Created, created.Outcome);
        var value = created.Value!;
        Assert.Equal(1, value.Metadata.Generation);
        Assert.False(string.IsNullOrEmpty(value.Metadata.Uid));
        Assert.Equal("registry.local/app:v1", value.Spec.Template.Spec.Containers[0].Image);
        Assert.Null(value.Spec.Template.Spec.Containers[0].Ports); // skipped: never built
        Assert.Equal(1, h.Generations.Count);
        var stored = (await h.Deployments.GetAsync(Namespace, "child", Token))!;
        Assert.Equal(8080, stored.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort); // the server has it all

        await h.SyncAsync();
        h.Kube.Requests.Clear();
        Assert.Equal(ApplyOutcome.Unchanged, (await h.WriteAsync("v1")).Outcome);
        Assert.Empty(h.Kube.Requests.All);
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly KubeConnection connection;
        private readonly bool owns;

        private Harness(ApiServerEmulator kube, V1ConfigMap owner, bool owns = true)
        {
            Kube = kube;
            Owner = owner;
            this.owns = owns;
            connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
            Deployments = new ResourceClient<V1Deployment>(connection, ResourceTypes.Deployments);
        }

        public ApiServerEmulator Kube { get; }

        public V1ConfigMap Owner { get; }

        public ResourceClient<V1Deployment> Deployments { get; }

        /// <summary>The cache as the operator keeps Deployments: no pod template but the container's image.</summary>
        public ResourceCache<V1Deployment> Cache { get; } = new(Stripped);

        public OwnGenerations Generations { get; } = new();

        public static async Task<Harness> StartAsync()
        {
            var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
            using var setup = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
            var owner = await new ResourceClient<V1ConfigMap>(setup, ResourceTypes.ConfigMaps).CreateAsync(
                new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "owner", NamespaceProperty = Namespace } }, Token);
            Assert.True(owner.IsOk);
            return new Harness(kube, owner.Value!);
        }

        public static string Hash(string version) => "hash-of-" + version;

        /// <summary>A Deployment of image <c>app:VERSION</c> with a port, its spec hash (here: the version) annotated.</summary>
        public static V1Deployment Desired(string version, V1ConfigMap? owner) => new()
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = "child",
                NamespaceProperty = Namespace,
                Annotations = new Dictionary<string, string> { [HashAnnotation] = Hash(version) },
                OwnerReferences = owner is null ? null : [Owners.ControllerReference(owner, "v1", "ConfigMap")],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "child" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "child" } },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "app", Image = "registry.local/app:" + version, Ports = [new V1ContainerPort { ContainerPort = 8080 }] }],
                    },
                },
            },
        };

        /// <summary>The same cluster, cache and owner, with the generations forgotten (an operator restart).</summary>
        public Harness Restart()
        {
            var restarted = new Harness(Kube, Owner, owns: false);
            foreach (var value in Cache.List())
            {
                restarted.Cache.Upsert(value);
            }

            return restarted;
        }

        public Task<ApplyResult<V1Deployment>> WriteAsync(string version, bool mutateImageOnly = false, System.Text.Json.Serialization.Metadata.JsonTypeInfo<V1Deployment>? createdInfo = null)
        {
            var desired = Desired(version, Owner);
            return ChildWriter.CreateOrUpdateBySpecHashAsync(
                Deployments,
                Cache,
                desired,
                Owner.Metadata.Uid,
                Generations,
                actual => ChildWriter.IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations)
                    && actual.Spec.Template.Spec.Containers[0].Image == desired.Spec.Template.Spec.Containers[0].Image
                    && actual.Spec.Template.Spec.Containers[0].Args is null,
                actual =>
                {
                    actual.Metadata.Annotations = ChildWriter.Merge(actual.Metadata.Annotations, desired.Metadata.Annotations);
                    if (mutateImageOnly)
                    {
                        actual.Spec.Template.Spec.Containers[0].Image = desired.Spec.Template.Spec.Containers[0].Image;
                    }
                    else
                    {
                        actual.Spec = desired.Spec;
                    }
                },
                Token,
                createdInfo);
        }

        /// <summary>Reads the Deployment into the cache, as the informer would.</summary>
        public async Task SyncAsync()
        {
            var value = await Deployments.GetAsync(Namespace, "child", Token);
            Assert.NotNull(value);
            Cache.Upsert(value);
        }

        public async ValueTask DisposeAsync()
        {
            connection.Dispose();
            if (owns)
            {
                await Kube.DisposeAsync();
            }
        }

        private static V1Deployment Stripped(V1Deployment value)
        {
            var image = value.Spec.Template.Spec.Containers[0].Image;
            value.Spec = new V1DeploymentSpec { Replicas = value.Spec.Replicas, Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }] } } };
            return value;
        }
    }
}
