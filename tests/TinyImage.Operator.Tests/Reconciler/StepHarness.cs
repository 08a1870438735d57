using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TinyImage.KubeEmulator;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Testing;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// One sub-reconciler's world: the strict API-server emulator (no workload controllers: the test writes Job and
/// Deployment status), a <see cref="ClusterView"/> talking to it, and caches the test fills itself, so each test says
/// exactly what the step sees.
/// </summary>
internal sealed class StepHarness : IAsyncDisposable
{
    public const string Namespace = "demo";
    public const string Repository = "registry.local:5000/team/hello";

    private StepHarness(ApiServerEmulator kube)
    {
        Kube = kube;
        Connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        Cluster = new ClusterView(Connection);
    }

    public ApiServerEmulator Kube { get; }

    public KubeConnection Connection { get; }

    public ClusterView Cluster { get; }

    /// <summary>The test registry speaks plain HTTP: the admin policy allows it to be insecure.</summary>
    public static OperatorOptions Options { get; } = new() { BuildHistoryLimit = 1, RouteHostnames = ["*.apps.example.com"], Policy = new TinyImage.Operator.Policy.AdminPolicy { InsecureRegistries = ["registry.local:5000"] } };

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static DateTimeOffset Now { get; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static async Task<StepHarness> StartAsync()
    {
        var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = ["default", Namespace], WorkloadControllers = false }, Token);
        var crd = YamlJson.Parse(await File.ReadAllTextAsync(RepoPaths.Repo("config", "crd", "bases", "tinyimage.dev_tinyimages.yaml"), Token))!.AsObject();
        var created = kube.Create("apiextensions.k8s.io/v1", "customresourcedefinitions", crd);
        Assert.True(created.IsSuccess, "the CRD was refused: " + created.Body.ToJsonString());
        return new StepHarness(kube);
    }

    public static string Digest(char c) => "sha256:" + new string(c, 64);

    /// <summary>Creates the source ConfigMap the TinyImage builds from.</summary>
    public void CreateSource(string name = "hello-src")
    {
        var result = Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["data"] = new JsonObject { ["Cargo.toml"] = "[package]\nname = \"hello\"\nversion = \"0.1.0\"\n", ["main.rs"] = "fn main() {}\n" },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    /// <summary>Creates a TinyImage and returns it as the operator reads it (with its uid and generation).</summary>
    public async Task<TinyImageResource> CreateTinyImageAsync(string name = "hello", string source = "hello-src", Action<JsonObject>? edit = null)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = "tinyimage.dev/v1alpha1",
            ["kind"] = "TinyImage",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["source"] = new JsonObject { ["configMap"] = new JsonObject { ["name"] = source } },
                ["binary"] = "hello",
                ["output"] = new JsonObject { ["repository"] = Repository, ["insecure"] = true },
            },
        };
        edit?.Invoke(body);
        var result = Kube.Create("tinyimage.dev/v1alpha1", "tinyimages", body);
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
        return await ReadTinyImageAsync(name);
    }

    public async Task<TinyImageResource> ReadTinyImageAsync(string name = "hello") =>
        await Cluster.TinyImages.GetAsync(Namespace, name, Token) ?? throw new InvalidOperationException(name + " is gone");

    /// <summary>Sets an annotation of the TinyImage and returns it as read back.</summary>
    public async Task<TinyImageResource> AnnotateAsync(string name, string key, string value)
    {
        var result = Kube.Mutate("tinyimage.dev/v1alpha1", "tinyimages", Namespace, name, ti =>
        {
            var metadata = ti["metadata"]!.AsObject();
            if (metadata["annotations"] is not JsonObject annotations)
            {
                metadata["annotations"] = annotations = [];
            }

            annotations[key] = value;
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
        return await ReadTinyImageAsync(name);
    }

    /// <summary>A pass over <paramref name="tinyImage"/> with <paramref name="status"/> as its recorded status, the inputs step done.</summary>
    public async Task<Reconciliation> PassAsync(TinyImageResource tinyImage, TinyImageStatus? status = null)
    {
        if (status is not null)
        {
            tinyImage = ObjectCopy.Clone(tinyImage, TinyImageTypes.TinyImages.ItemInfo);
            tinyImage.Status = status;
        }

        var run = new Reconciliation(tinyImage, Now);
        var inputs = await new InputsReconciler(Cluster, Options).ReconcileAsync(run, Token);
        Assert.Equal(StepAction.Continue, inputs.Action);
        return run;
    }

    /// <summary>Reads an object from the API into its cache, as the informer would; removes it from the cache when gone.</summary>
    public async Task<T?> SyncAsync<T>(ResourceClient<T> client, ResourceCache<T> cache, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var value = await client.GetAsync(Namespace, name, Token);
        if (value is null)
        {
            cache.Remove(new ObjectKey(Namespace, name));
        }
        else
        {
            cache.Upsert(value);
        }

        return value;
    }

    /// <summary>Deletes a build Job as its TTL controller does (background propagation: the Job goes at once) and forgets it in the cache.</summary>
    public async Task DeleteJobAsync(string name)
    {
        Assert.True(Kube.Delete("batch/v1", "jobs", Namespace, name, new DeleteOptions(PropagationPolicy: "Background")).IsSuccess);
        Assert.Null(await SyncAsync(Cluster.Jobs, Cluster.JobCache, name));
    }

    /// <summary>Creates an object through the API and puts it in the cache.</summary>
    public async Task<T> SeedAsync<T>(ResourceClient<T> client, ResourceCache<T> cache, T value)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var created = await client.CreateAsync(value, Token);
        Assert.True(created.IsOk, "could not create " + value.Metadata.Name);
        cache.Upsert(created.Value!);
        return created.Value!;
    }

    /// <summary>A ConfigMap named <paramref name="name"/> that nothing controls (a person's).</summary>
    public static V1ConfigMap ForeignConfigMap(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["owner"] = "a-person" } },
        Data = new Dictionary<string, string> { ["mine"] = "yes" },
    };

    /// <summary>The write requests the emulator answered, of every resource or one.</summary>
    public int Writes(string? resource = null) => Kube.Requests.Where(r => r.IsWrite && (resource is null || r.Resource == resource)).Count;

    public async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        await Kube.DisposeAsync();
    }
}
