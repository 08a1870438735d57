using System.Globalization;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Testing;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// One machine playing a cluster, with the operator installed as a user installs it: the API-server emulator (in process,
/// HTTPS with its own CA, RBAC enforced) with the real stand-ins around it (docker-registry with TLS and htpasswd, the
/// Kaniko stand-in pushing with skopeo, the podman kubelet for workloads), the operator's NativeAOT image built by
/// <c>scripts/build-operator-image.sh</c> and pushed to that registry, <c>helm template charts/tinyimage-operator</c> applied
/// with the real kubectl into <see cref="OperatorNamespace"/>, and the operator's pod, created by the emulator's Deployment
/// controller, run exactly as stored by <see cref="PodmanPodKubelet"/> (read-only root, uid 65532, no capabilities, the
/// scratch emptyDir, the ServiceAccount's token, CA and KUBERNETES_SERVICE_HOST/PORT, the memory limit, the probes).
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>The namespace the chart is installed into; its pods run as stored.</summary>
    public const string OperatorNamespace = "tinyimage-system";

    /// <summary>The Helm release name (the chart's objects are named after it).</summary>
    public const string Release = "tinyimage-operator";

    private readonly TaskCompletionSource _operatorEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalCluster(string directory, ApiServerEmulator kube, StandInHost standIns, string kubeconfig)
    {
        Directory = directory;
        Kube = kube;
        StandIns = standIns;
        Kubeconfig = kubeconfig;
        PodKubelet.ContainerEnded += (key, status) =>
            _operatorEnded.TrySetResult(); // a restart or an exit of the operator's container fails a scenario at once, with its log
    }

    public string Directory { get; }

    public ApiServerEmulator Kube { get; }

    public StandInHost StandIns { get; }

    public LocalRegistry Registry => StandIns.Registry;

    public string Kubeconfig { get; }

    /// <summary>The kubelet that runs the operator's pod.</summary>
    public PodmanPodKubelet PodKubelet => StandIns.PodSpecKubelet!;

    /// <summary>The operator's image as pushed (<c>repository@sha256:...</c>).</summary>
    public string OperatorImage { get; private set; } = "";

    /// <summary>The chart's rendered objects (what <c>helm template</c> printed) and kubectl apply's answer.</summary>
    public string InstallOutput { get; private set; } = "";

    public static string KubectlPath => RepoPaths.Tools("bin", "kubectl");

    public static string HelmPath => RepoPaths.Tools("bin", "helm");

    public static string ImageScript => RepoPaths.Repo("scripts", "build-operator-image.sh");

    /// <summary>Completes when the operator's container restarts or exits (a scenario then fails at once, with its log).</summary>
    public Task OperatorExited => _operatorEnded.Task;

    /// <summary>The operator's running pod (the newest), or null before the Deployment controller created it.</summary>
    public PodmanPod? OperatorPod => PodKubelet.Pods.LastOrDefault(p => p.Key.StartsWith(OperatorNamespace + "/", StringComparison.Ordinal));

    /// <summary>Why the scenario cannot run on this machine, or null.</summary>
    public static async Task<string?> MissingPrerequisiteAsync(string directory, CancellationToken ct) =>
        LocalRegistry.MissingPrerequisite()
        ?? (Skopeo.IsInstalled ? null : "skopeo is not installed (scripts/install-tools.sh installs it)")
        ?? (Tool.Find("buildah") is null ? "buildah is not installed (scripts/install-tools.sh installs it); scripts/build-operator-image.sh needs it" : null)
        ?? (Tool.Find("clang") is null ? "clang is not installed (scripts/install-tools.sh installs it); the NativeAOT publish needs it" : null)
        ?? RegistryFixture.FixturesMissing()
        ?? (File.Exists(KubectlPath) ? null : "kubectl is missing at .tools/bin/kubectl (scripts/install-tools.sh installs it)")
        ?? (File.Exists(HelmPath) ? null : "helm is missing at .tools/bin/helm (scripts/install-tools.sh installs it)")
        ?? await Podman.MissingPrerequisiteAsync(Path.Combine(directory, "podman-check"), ct);

    /// <summary>
    /// Starts everything in <paramref name="directory"/> and installs the operator from its chart with <paramref name="helmSet"/>
    /// added to the scenario's own values. <paramref name="prebuilt"/> maps TinyImage names to fixture files.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string directory, IReadOnlyDictionary<string, string> prebuilt, IReadOnlyList<string> helmSet, CancellationToken ct)
    {
        var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, ct);
        var options = new StandInHostOptions { Directory = Path.Combine(directory, "stand-ins"), PrebuiltBinaries = RegistryFixture.FixtureDirectory };
        options.PodSpecNamespaces.Add(OperatorNamespace);
        foreach (var (k, v) in prebuilt)
        {
            options.Prebuilt[k] = v;
        }

        var standIns = await StandInHost.StartAsync(kube, options, ct);
        var kubeconfig = kube.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        var cluster = new LocalCluster(directory, kube, standIns, kubeconfig);
        try
        {
            await cluster.InstallOperatorAsync(Path.Combine(options.Directory, "dockerconfig.json"), helmSet, ct);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// As a user installs it: the image pushed to the registry, a pull Secret and the registry's CA bundle in the operator's
    /// namespace, <c>helm template</c> with the image, the pull secret, the CA bundle and a free metrics port (host networking),
    /// <c>kubectl apply</c>, then <c>kubectl rollout status</c> until the Deployment is available (the readiness probe passed).
    /// </summary>
    private async Task InstallOperatorAsync(string dockerConfig, IReadOnlyList<string> helmSet, CancellationToken ct)
    {
        var pushed = await Tool.RunAsync(ImageScript, [Registry.Host + "/tinyimage/operator:e2e", "--cert-dir", Registry.CertDirectory, "--authfile", dockerConfig], ct);
        Check(pushed, "scripts/build-operator-image.sh");
        OperatorImage = pushed.Stdout.Trim().Split('\n')[^1];
        var at = OperatorImage.IndexOf('@', StringComparison.Ordinal);
        foreach (var args in new[]
        {
            new[] { "create", "namespace", OperatorNamespace },
            ["create", "secret", "docker-registry", "operator-pull", "-n", OperatorNamespace, "--docker-server=" + Registry.Host,
                "--docker-username=" + Registry.Username, "--docker-password=" + Registry.Password],
            ["create", "configmap", "registry-ca", "-n", OperatorNamespace, "--from-file=ca-certificates.crt=" + Registry.CaBundleFile],
        })
        {
            Check(await KubectlAsync(ct, args), "kubectl " + args[0]);
        }

        var metricsPort = FreePort();
        var rendered = await Tool.RunAsync(HelmPath,
        [
            "template", Release, RepoPaths.Repo("charts", "tinyimage-operator"), "--namespace", OperatorNamespace,
            "--set", "image.repository=" + OperatorImage[..at],
            "--set", "image.tag=e2e" + OperatorImage[at..], // tag@digest, as the chart's own default images are pinned
            "--set", "imagePullSecrets[0].name=operator-pull",
            "--set", "caBundle.configMap=registry-ca",
            "--set", "metrics.port=" + metricsPort.ToString(CultureInfo.InvariantCulture),
            "--set", "registry.allow={127.0.0.1}", // the test registry is on loopback, which the operator refuses by default
            .. helmSet,
        ], ct);
        Check(rendered, "helm template");
        var applied = await KubectlWithInputAsync(rendered.Stdout, ct, "apply", "-f", "-");
        Check(applied, "kubectl apply");
        InstallOutput = applied.Stdout.Trim();
        var rollout = await KubectlAsync(ct, "rollout", "status", "deployment/" + Release, "-n", OperatorNamespace, "--timeout=180s");
        if (!rollout.Succeeded)
        {
            throw new InvalidOperationException("the operator's Deployment did not become available: " + rollout.Describe() + "\n" + await DiagnosticsAsync(ct));
        }

        InstallOutput += "\n" + rollout.Stdout.Trim();
    }

    private static void Check(ToolResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(what + " failed: " + result.Describe());
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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

    /// <summary>The operator's log (its container's output so far), its pod status, and the stand-ins' records, for a failure message.</summary>
    public async Task<string> DiagnosticsAsync(CancellationToken ct)
    {
        var pod = OperatorPod;
        var log = pod is null ? "(no operator pod)" : await pod.LogsAsync(ct);
        return "operator pod: " + (pod is null ? "none" : pod.Key + " " + pod.Status) + "\noperator log (tail):\n" + (log.Length > 6000 ? log[^6000..] : log)
            + "\nkaniko stand-in failures: " + string.Join(" | ", StandIns.Runner.StandIn.Failures)
            + "\nkubelet failures: " + string.Join(" | ", StandIns.Kubelet.Failures)
            + "\nemulator background errors: " + string.Join(" | ", Kube.BackgroundErrors.Select(e => e.Message));
    }

    /// <summary><see cref="DiagnosticsAsync"/> for a failure message built synchronously (an assertion's message factory).</summary>
    public string Diagnostics() => Task.Run(() => DiagnosticsAsync(CancellationToken.None)).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await StandIns.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
