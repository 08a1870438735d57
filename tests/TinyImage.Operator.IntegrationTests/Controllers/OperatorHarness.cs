using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Hosting;
using TinyImage.Kube;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// An API-server emulator with the TinyImage CRD, and operators running in-process against it (each with its own
/// connection and identity), plus helpers that read the world back as JSON.
/// </summary>
internal sealed class OperatorHarness : IAsyncDisposable
{
    public const string Namespace = "demo";
    public const string Repository = "registry.local:5000/team/hello";

    private readonly List<RunningOperator> operators = [];

    private OperatorHarness(ApiServerEmulator kube, ILoggerFactory loggers)
    {
        Kube = kube;
        Loggers = loggers;
    }

    public ApiServerEmulator Kube { get; }

    public FakeImageVerifier Verifier { get; } = new();

    /// <summary>Reconcile passes per TinyImage name, over every operator this harness started.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Passes { get; } = new(StringComparer.Ordinal);

    public ILoggerFactory Loggers { get; }

    /// <summary>Options fast enough for tests; leader election off unless asked for.</summary>
    public static OperatorOptions FastOptions { get; } = new()
    {
        LeaderElection = false,
        OperatorNamespace = "tinyimage-system",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewInterval = TimeSpan.FromMilliseconds(400),
        Concurrency = 2,
        ResyncPeriod = TimeSpan.FromMinutes(10),
        BuildHistoryLimit = 1,
        Policy = new TinyImage.Operator.Policy.AdminPolicy { InsecureRegistries = ["registry.local:5000"] },
    };

    public static async Task<OperatorHarness> StartAsync(ApiServerEmulatorOptions? options = null)
    {
        var kube = await ApiServerEmulator.StartAsync(
            (options ?? new ApiServerEmulatorOptions()) with { InitialNamespaces = ["default", Namespace, "other", "tinyimage-system"] },
            TestContext.Current.CancellationToken);
        var crd = YamlJson.Parse(await File.ReadAllTextAsync(RepoPaths.Repo("config", "crd", "bases", "tinyimage.dev_tinyimages.yaml"), TestContext.Current.CancellationToken))!.AsObject();
        var created = kube.Create("apiextensions.k8s.io/v1", "customresourcedefinitions", crd);
        Assert.True(created.IsSuccess, "the CRD was refused: " + created.Body.ToJsonString());
        var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        return new OperatorHarness(kube, loggers);
    }

    /// <summary>Starts an operator in the background; stop it with <see cref="RunningOperator.StopAsync"/>.</summary>
    /// <param name="options">The operator's options; <see cref="FastOptions"/> by default.</param>
    /// <param name="identity">The instance's identity.</param>
    /// <param name="progressDelay">How long a Verifying or Deploying write may wait; <see cref="ControllerSettings.DefaultProgressDelay"/> by default.</param>
    /// <param name="configure">Changes to the controller settings (a git resolver, poll minimum).</param>
    /// <param name="time">The operator's clock; the system clock by default.</param>
    /// <param name="toolchain">Resolves toolchain tags to digests; by default every tag resolves to a fixed digest.</param>
    /// <param name="verifier">Another verifier than <see cref="Verifier"/> (the real one, against a real registry).</param>
    public RunningOperator StartOperator(OperatorOptions? options = null, string? identity = null, Operator.Verification.IImageVerifier? verifier = null, TimeSpan? progressDelay = null, Func<ControllerSettings, ControllerSettings>? configure = null, TimeProvider? time = null, Building.IToolchainResolver? toolchain = null)
    {
        identity ??= "op-" + (operators.Count + 1);
        var connection = new KubeConnection(Kube.CreateHttpClient(), Kube.BaseAddress) { Identity = identity };
        var settings = new ControllerSettings
        {
            Instance = identity,
            ProgressDelay = progressDelay ?? ControllerSettings.DefaultProgressDelay,
            OnReconciled = (key, _) => Passes.AddOrUpdate(key.Name, 1, (_, n) => n + 1),
            Queue = new WorkQueueOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500) },
            Informer = new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500), WatchTimeoutSeconds = 60 },
            Toolchain = toolchain,
        };
        var host = new OperatorHost(connection, verifier ?? Verifier, options ?? FastOptions, configure is null ? settings : configure(settings), time ?? TimeProvider.System, Loggers, identity);
        var running = new RunningOperator(host, connection);
        operators.Add(running);
        return running;
    }

    public void CreateSource(string name = "hello-src")
    {
        var result = Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["data"] = new JsonObject
            {
                ["Cargo.toml"] = "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
                ["main.rs"] = "fn main() { println!(\"hello\"); }\n",
            },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    public void CreateTinyImage(string name, string source = "hello-src", JsonObject? build = null)
    {
        var spec = new JsonObject
        {
            ["source"] = new JsonObject { ["configMap"] = new JsonObject { ["name"] = source, ["items"] = new JsonArray(Item("Cargo.toml", "Cargo.toml"), Item("main.rs", "src/main.rs")) } },
            ["binary"] = "hello",
            ["output"] = new JsonObject { ["repository"] = Repository, ["insecure"] = true },
            ["verify"] = new JsonObject { ["maxImageSize"] = "4Mi", ["denyPackages"] = new JsonArray("openssl-sys") },
        };
        if (build is not null)
        {
            spec["build"] = build;
        }

        var result = Kube.Create("tinyimage.dev/v1alpha1", "tinyimages", new JsonObject
        {
            ["apiVersion"] = "tinyimage.dev/v1alpha1",
            ["kind"] = "TinyImage",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = spec,
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    public void EditSpec(string name, Action<JsonObject> edit)
    {
        var result = Kube.Mutate("tinyimage.dev/v1alpha1", "tinyimages", Namespace, name, ti => edit(ti["spec"]!.AsObject()));
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    public void Annotate(string name, string key, string value)
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
    }

    public JsonObject? TinyImage(string name) => Object("tinyimage.dev/v1alpha1", "tinyimages", name);

    public JsonObject? Object(string apiVersion, string plural, string name)
    {
        var result = Kube.Get(apiVersion, plural, Namespace, name);
        return result.IsSuccess ? result.Body : null;
    }

    public JsonObject? Object2(string apiVersion, string plural, string ns, string name)
    {
        var result = Kube.Get(apiVersion, plural, ns, name);
        return result.IsSuccess ? result.Body : null;
    }

    public string? Phase(string name) => (string?)TinyImage(name)?["status"]?["phase"];

    public JsonObject? Condition(string name, string type) =>
        TinyImage(name)?["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    public string? DeployedImage(string name) =>
        (string?)Object("apps/v1", "deployments", name)?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"];

    public IReadOnlyList<JsonObject> Jobs() => Kube.List("batch/v1", "jobs", Namespace);

    public JsonObject? JobFor(string tinyImage) => Jobs().FirstOrDefault(j => ((string?)j["metadata"]?["name"])?.StartsWith(tinyImage + "-build-", StringComparison.Ordinal) == true && j["metadata"]?["deletionTimestamp"] is null);

    /// <summary>Jobs created (answered 201), i.e. builds started.</summary>
    public int JobCreates() => Kube.Requests.Where(r => r.Verb == "create" && r.Resource == "jobs" && r.StatusCode == 201).Count;

    /// <summary>The status writes of a TinyImage the emulator accepted.</summary>
    public int StatusWrites(string name) =>
        Kube.Requests.Where(r => r.IsWrite && r.Resource == "tinyimages" && r.Subresource == "status" && r.Name == name && r.StatusCode == 200).Count;

    public Task WaitForPhaseAsync(string name, string phase) =>
        Eventually.TrueAsync(() => Phase(name) == phase, name + " in phase " + phase, () => "now " + Phase(name) + ": " + TinyImage(name)?["status"]?.ToJsonString());

    public static string Digest(char c) => "sha256:" + new string(c, 64);

    public async ValueTask DisposeAsync()
    {
        foreach (var running in operators)
        {
            await running.StopAsync();
        }

        await Kube.DisposeAsync();
        Loggers.Dispose();
    }

    private static JsonObject Item(string key, string path) => new() { ["key"] = key, ["path"] = path };
}
