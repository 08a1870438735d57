using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Testing;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// One machine playing a cluster: the API-server emulator (in process) with the real stand-ins around it (docker-registry
/// with TLS and htpasswd, the Kaniko stand-in pushing with skopeo, the podman kubelet), the operator as its own process
/// (<c>tinyimage-operator run --kubeconfig</c>, trusting the registry's CA through SSL_CERT_FILE), and the real kubectl.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly StringBuilder _operatorLog = new();
    private readonly Lock _logGate = new();
    private readonly TaskCompletionSource _operatorStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _operator;

    private LocalCluster(string directory, ApiServerEmulator kube, StandInHost standIns, string kubeconfig)
    {
        Directory = directory;
        Kube = kube;
        StandIns = standIns;
        Kubeconfig = kubeconfig;
    }

    public string Directory { get; }

    public ApiServerEmulator Kube { get; }

    public StandInHost StandIns { get; }

    public LocalRegistry Registry => StandIns.Registry;

    public string Kubeconfig { get; }

    public static string KubectlPath => RepoPaths.Tools("bin", "kubectl");

    /// <summary>
    /// The operator's own build output (same configuration as the tests): its deps.json and assemblies are complete,
    /// unlike the copy next to the tests, which resolves against the test project's dependency graph.
    /// </summary>
    public static string OperatorPath => RepoPaths.Repo("src", "TinyImage.Operator", "bin",
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0", "tinyimage-operator");

    /// <summary>Completes when the operator process exits (a scenario then fails at once, with its log).</summary>
    public Task OperatorExited => _operatorStarted.Task.ContinueWith(_ => _operator!.WaitForExitAsync(CancellationToken.None), TaskScheduler.Default).Unwrap();

    /// <summary>The operator's output so far.</summary>
    public string OperatorLog
    {
        get
        {
            lock (_logGate)
            {
                return _operatorLog.ToString();
            }
        }
    }

    /// <summary>Why the scenario cannot run on this machine, or null.</summary>
    public static async Task<string?> MissingPrerequisiteAsync(string directory, CancellationToken ct) =>
        LocalRegistry.MissingPrerequisite()
        ?? (Skopeo.IsInstalled ? null : "skopeo is not installed (scripts/install-tools.sh installs it)")
        ?? RegistryFixture.FixturesMissing()
        ?? (File.Exists(KubectlPath) ? null : "kubectl is missing at .tools/bin/kubectl (scripts/install-tools.sh installs it)")
        ?? (File.Exists(OperatorPath) ? null : "the operator binary is not built: " + OperatorPath)
        ?? await Podman.MissingPrerequisiteAsync(Path.Combine(directory, "podman-check"), ct);

    /// <summary>
    /// Starts everything but the operator in <paramref name="directory"/> (<see cref="StartOperator"/> starts it, once the
    /// CRD is installed: it refuses to run without). <paramref name="prebuilt"/> maps TinyImage names to fixture files.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string directory, IReadOnlyDictionary<string, string> prebuilt, CancellationToken ct)
    {
        var kube = await ApiServerEmulator.StartAsync(cancellationToken: ct);
        var options = new StandInHostOptions { Directory = Path.Combine(directory, "stand-ins"), PrebuiltBinaries = RegistryFixture.FixtureDirectory };
        foreach (var (k, v) in prebuilt)
        {
            options.Prebuilt[k] = v;
        }

        var standIns = await StandInHost.StartAsync(kube, options, ct);
        var kubeconfig = kube.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        return new LocalCluster(directory, kube, standIns, kubeconfig);
    }

    /// <summary>Starts the operator process (<c>tinyimage-operator run --kubeconfig</c>).</summary>
    public void StartOperator()
    {
        var psi = Tool.StartInfo(OperatorPath, ["run", "--kubeconfig", Kubeconfig, "--leader-elect=false", "--metrics-port", "0"],
            new Dictionary<string, string> { ["SSL_CERT_FILE"] = StandIns.Registry.CaBundleFile, ["DOTNET_gcServer"] = "0" });
        var process = Process.Start(psi) ?? throw new InvalidOperationException("the operator did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _operator = process;
        _operatorStarted.TrySetResult();
    }

    /// <summary>Runs the real kubectl against the emulator.</summary>
    public Task<ToolResult> KubectlAsync(CancellationToken ct, params string[] args) =>
        Tool.RunAsync(KubectlPath, ["--kubeconfig", Kubeconfig, .. args], ct);

    /// <summary>Runs kubectl with <paramref name="stdin"/> (for <c>apply -f -</c>).</summary>
    public Task<ToolResult> KubectlWithInputAsync(string stdin, CancellationToken ct, params string[] args) =>
        Tool.RunAsync(KubectlPath, ["--kubeconfig", Kubeconfig, .. args], ct, stdin: stdin);

    /// <summary>The TinyImage as stored, or null.</summary>
    public JsonObject? TinyImage(string ns, string name) =>
        Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", ns, name) is { IsSuccess: true } r ? r.Body : null;

    /// <summary>The Deployment's container image, or null while there is none.</summary>
    public string? DeployedImage(string ns, string name) =>
        Kube.Get("apps/v1", "deployments", ns, name) is { IsSuccess: true } r ? (string?)r.Body["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] : null;

    /// <summary>A condition of the TinyImage: (status, reason, message), or null.</summary>
    public (string Status, string? Reason, string? Message)? Condition(string ns, string name, string type) =>
        (TinyImage(ns, name)?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Where(c => (string?)c["type"] == type)
            .Select(c => ((string)c["status"]!, (string?)c["reason"], (string?)c["message"]))
            .Cast<(string, string?, string?)?>()
            .FirstOrDefault();

    /// <summary>Starts <c>kubectl get ti -w</c> (one TinyImage by field selector) printing the phase of every event.</summary>
    public PhaseWatch WatchPhases(string ns, string name) => PhaseWatch.Start(KubectlPath, Kubeconfig, ns, name);

    /// <summary>The end of the operator's log and of the stand-ins' records, for a failure message.</summary>
    public string Diagnostics()
    {
        var log = OperatorLog;
        return "operator log (tail):\n" + (log.Length > 6000 ? log[^6000..] : log)
            + "\nkaniko stand-in failures: " + string.Join(" | ", StandIns.Runner.StandIn.Failures)
            + "\nkubelet failures: " + string.Join(" | ", StandIns.Kubelet.Failures)
            + "\nemulator background errors: " + string.Join(" | ", Kube.BackgroundErrors.Select(e => e.Message));
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is { HasExited: false })
        {
            _operator.Kill(entireProcessTree: true);
            await _operator.WaitForExitAsync(CancellationToken.None);
        }

        _operator?.Dispose();
        await StandIns.DisposeAsync();
        await Kube.DisposeAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _operatorLog.Append(line).Append('\n');
        }
    }
}
