using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.Bench.Cluster;

/// <summary>
/// One fresh world per run: a standalone kube-emulator in bench mode (Jobs complete at once with the pushed digests in
/// turn, Deployments become available at once), the TinyImage CRD, the namespace <c>bench</c>, and the harness's watch.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string Namespace = "bench";
    public const string TinyImages = "/apis/tinyimage.dev/v1alpha1/namespaces/bench/tinyimages";

    private BenchCluster(EmulatorProcess emulator, KubeApi api, ReadyWatcher watcher, string kubeconfig, string repository)
    {
        Emulator = emulator;
        Api = api;
        Watcher = watcher;
        Kubeconfig = kubeconfig;
        Repository = repository;
    }

    public EmulatorProcess Emulator { get; }

    public KubeApi Api { get; }

    public ReadyWatcher Watcher { get; }

    public string Kubeconfig { get; }

    public string Repository { get; }

    public static async Task<BenchCluster> StartAsync(BenchSetup setup, string work, CancellationToken cancellationToken)
    {
        var kubeconfig = Path.Combine(work, "kubeconfig-" + Guid.NewGuid().ToString("N")[..8]);
        var emulator = await EmulatorProcess.StartAsync(
            setup.EmulatorBinary,
            kubeconfig,
            ["--auto-complete-jobs", string.Join(',', setup.Digests), "--auto-ready-deployments", "--gc-delay", setup.GcDelayMs.ToString(CultureInfo.InvariantCulture)],
            cancellationToken);
        var api = new KubeApi(emulator.BaseAddress);
        await api.CreateYamlAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", setup.CrdYaml, cancellationToken);
        await api.CreateAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = Namespace } }, cancellationToken);
        for (var i = 0; i < 200 && !await api.ExistsAsync(TinyImages, cancellationToken); i++)
        {
            await Task.Delay(10, cancellationToken);
        }

        var watcher = new ReadyWatcher(api, TinyImages);
        watcher.Start();
        return new BenchCluster(emulator, api, watcher, kubeconfig, setup.Repository);
    }

    /// <summary>A pinned commit: nothing resolves the source's refs against the (unreachable) git host.</summary>
    private const string BenchCommit = "0123456789abcdef0123456789abcdef01234567";

    public static string Name(int i) => "ti-" + i.ToString("D5", CultureInfo.InvariantCulture);

    public JsonObject TinyImage(int i) => new()
    {
        ["apiVersion"] = "tinyimage.dev/v1alpha1",
        ["kind"] = "TinyImage",
        ["metadata"] = new JsonObject { ["name"] = Name(i), ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["source"] = new JsonObject { ["git"] = new JsonObject { ["url"] = "https://git.example.com/bench/hello.git", ["ref"] = new JsonObject { ["commit"] = BenchCommit } } },
            ["binary"] = Images.ImagesCommand.BinaryName,
            ["output"] = new JsonObject { ["repository"] = Repository, ["insecure"] = true },
        },
    };

    /// <summary>Creates TinyImages [first, first+count) with a few requests in flight at once.</summary>
    public Task CreateAsync(int first, int count, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(first, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => await Api.CreateAsync(TinyImages, TinyImage(i), ct));

    /// <summary>Starts the operator against this cluster (no leader election, one namespace).</summary>
    public OperatorProcess StartOperator(string binary, string logFile, TimeSpan resync, IReadOnlyDictionary<string, string>? env = null) =>
        OperatorProcess.Start(binary, env ?? new Dictionary<string, string>(), ["run", "--kubeconfig", Kubeconfig, "--leader-elect=false", "--namespace", Namespace, "--metrics-port", "0",
            "--registry-allow", "127.0.0.1", // the bench registry is on loopback, which the outbound policy refuses by default
            "--max-concurrent-builds=0", "--max-concurrent-builds-per-namespace=0", // as measured before the caps: no BuildQueued passes in the numbers
            "--allow-insecure-registry", Repository.Split('/')[0], // and plain HTTP, which the admin policy refuses for a registry it does not name
            "--resync", ((int)resync.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"], logFile);

    /// <summary>Waits until the operator has opened its TinyImage watch (it is then ready to see creates).</summary>
    public async Task<bool> WaitForOperatorWatchAsync(OperatorProcess op, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var from = 0;
        while (DateTime.UtcNow < deadline && !op.HasExited)
        {
            var (requests, next) = await Api.RequestsAsync(from, cancellationToken);
            if (requests.Any(r => r.IsOperator && r.Verb == "watch" && r.Resource == "tinyimages"))
            {
                return true;
            }

            from = next;
            await Task.Delay(10, cancellationToken);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await Watcher.DisposeAsync();
        Api.Dispose();
        Emulator.Dispose();
        File.Delete(Kubeconfig);
    }
}

/// <summary>What every cluster run needs: the emulator binary, the CRD, the image repository and digests to report.</summary>
internal sealed record BenchSetup(string EmulatorBinary, string CrdYaml, string Repository, IReadOnlyList<string> Digests, int GcDelayMs)
{
    public static BenchSetup From(Args args)
    {
        var images = JsonNode.Parse(File.ReadAllText(args.Required("--images")))!["images"]!;
        return new BenchSetup(
            args.Required("--emulator"),
            File.ReadAllText(args.Required("--crd")),
            (string)images["a"]!["repository"]!,
            [(string)images["a"]!["digest"]!, (string)images["b"]!["digest"]!],
            args.Int("--gc-delay", 2000));
    }
}
