using System.Globalization;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// Issues 6 and 11, end to end on one machine: from an applied TinyImage to a verified image answering on port 3000, with
/// the operator installed as a user installs it (its image, its chart, its locked-down pod; see <see cref="LocalCluster"/>).
/// Everything is real (kubectl, helm, the operator's NativeAOT image, docker-registry with TLS and htpasswd, skopeo, podman
/// with runc, the Rust binaries) except the API server (the emulator), the kubelet (podman stand-ins) and Kaniko (a
/// stand-in that assembles the final stage around a prebuilt binary).
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class EndToEndScenarioTests(LocalClusterFixture fixture) : IClassFixture<LocalClusterFixture>
{
    private static readonly string[] PhaseOrder = ["Pending", "Building", "Verifying", "Deploying", "Ready"];

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Applied_TinyImage_Is_Built_Verified_And_Served_Then_A_Spec_Change_Rolls_To_The_New_Digest_Without_Downtime()
    {
        var cluster = fixture.Require();
        Output?.WriteLine("operator installed from the chart: " + fixture.InstallOutput);
        Output?.WriteLine("kubelet stand-in: " + PodmanKubelet.RuntimeDescription);
        const string ns = "demo";
        await ArrangeNamespaceAsync(cluster, ns);

        // 1. apply the TinyImage and watch its phases with kubectl get -w
        using var phases = cluster.WatchPhases(ns, "hello");
        await ApplyAsync(cluster, Manifests.TinyImage(ns, "hello", cluster.Registry.Host, verify: "scratchOnly: true\n    denyPackages: [openssl-sys]"));
        await WaitReadyAsync(cluster, ns, "hello");
        await Eventually.HoldsAsync(() => phases.Phases.Count > 0 && phases.Phases[^1] == "Ready", "kubectl get -w prints Ready", Ct, attempts: 100, () => "kubectl printed: " + phases.Raw);
        Output?.WriteLine("phases seen by kubectl get ti -w: " + string.Join(" -> ", phases.Phases));
        Assert.Contains("Building", phases.Phases);
        AssertInPhaseOrder(phases.Phases);

        // 2. the Deployment runs exactly the verified digest, and it answers on port 3000 (through the Service stand-in)
        var status = cluster.TinyImage(ns, "hello")!["status"]!;
        var digest = (string)status["image"]!["digest"]!;
        var build = Assert.Single(cluster.StandIns.Runner.StandIn.Builds, b => b.Namespace == ns);
        Assert.Equal(build.Digest, digest);
        Assert.Equal(cluster.Registry.Host + "/" + ns + "/hello@" + digest, cluster.DeployedImage(ns, "hello"));
        Assert.Equal(("True", "Verified"), Pick(cluster.Condition(ns, "hello", "SbomVerified")));
        var url = cluster.StandIns.Kubelet.ServiceUrl(ns, "hello")!;
        Output?.WriteLine("service demo/hello: " + url + " -> container " + cluster.StandIns.Kubelet.Rollouts.Last(r => r.Namespace == ns).ContainerUrl);
        Assert.Equal("hello from tinyimage 0.1.0\n", await GetAsync(url));
        Assert.EndsWith(":3000", (string?)(await cluster.KubectlAsync(Ct, "get", "deployment", "hello", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].ports[0].containerPort}")).Stdout is { } p ? ":" + p : "", StringComparison.Ordinal);

        // 3. what the registry holds: exactly one file, /bin/hello-service (besides directories: bin/ and the WORKDIR), plus config and manifest
        var image = await RegistryImage.FetchAsync(cluster.Registry, ns + "/hello", digest, Ct);
        Assert.Equal(["bin/hello-service"], image.FileContents.Keys);
        Assert.All(image.Files, f => Assert.True(f.Path == "bin/hello-service" || f.Type == System.Formats.Tar.TarEntryType.Directory, "unexpected entry " + f.Path));
        Output?.WriteLine("image entries: " + string.Join(", ", image.Files.Select(f => f.Path + (f.Type == System.Formats.Tar.TarEntryType.Directory ? "/" : ""))));
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"image size: {image.LayerBytes.Count} layer(s) {string.Join(" + ", image.LayerBytes)} B (gzip) + config {image.ConfigBytes} B + manifest {image.ManifestBytes} B = {image.TotalBytes} B ({image.TotalBytes / 1048576.0:0.000} MiB); binary {image.FileContents["bin/hello-service"].Length} B"));

        // 4. change the spec: a feature flag gives a new hash, a new build, a new digest; the old one serves until the new one is verified and ready
        using var rollPhases = cluster.WatchPhases(ns, "hello");
        var generation = (long)cluster.TinyImage(ns, "hello")!["metadata"]!["generation"]!;
        var patch = await cluster.KubectlAsync(Ct, "patch", "ti", "hello", "-n", ns, "--type", "merge", "-p", "{\"spec\":{\"build\":{\"features\":[\"greeting-v2\"]}}}");
        Assert.True(patch.Succeeded, patch.Describe());
        var oldImage = cluster.DeployedImage(ns, "hello");
        var observed = new List<(string? Image, string Answer)>();
        await Eventually.HoldsAsync(async () =>
        {
            await AssertOperatorRunsAsync(cluster);
            var answer = await GetAsync(url);
            observed.Add((cluster.DeployedImage(ns, "hello"), answer));
            var ti = cluster.TinyImage(ns, "hello")!;
            return (long?)ti["status"]?["observedGeneration"] > generation && (string?)ti["status"]?["phase"] == "Ready" && answer.StartsWith("hello again", StringComparison.Ordinal);
        }, "the new digest is verified, deployed and answering", Ct, attempts: 900, () => cluster.Diagnostics() + "\nstatus: " + cluster.TinyImage(ns, "hello")?["status"]?.ToJsonString());
        var newDigest = (string)cluster.TinyImage(ns, "hello")!["status"]!["image"]!["digest"]!;
        Assert.NotEqual(digest, newDigest);
        Assert.Equal(cluster.Registry.Host + "/" + ns + "/hello@" + newDigest, cluster.DeployedImage(ns, "hello"));
        Output?.WriteLine("during the rollout (deployment image, answer): " + string.Join(", ", observed.Select(o => (o.Image == oldImage ? "old" : "new") + ":" + o.Answer.Trim()).Distinct()));
        Output?.WriteLine("phases seen during the rollout: " + string.Join(" -> ", rollPhases.Phases));
        Assert.All(observed, o => Assert.True(o.Image == oldImage || o.Image == cluster.DeployedImage(ns, "hello"), "the Deployment referenced " + o.Image));
        var firstNew = observed.FindIndex(o => o.Image != oldImage);
        Assert.True(firstNew > 0, "the old digest was never seen serving after the spec change");
        Assert.All(observed[..firstNew], o => Assert.Equal("hello from tinyimage 0.1.0\n", o.Answer));
        Assert.All(observed[firstNew..], o => Assert.True(o.Answer is "hello from tinyimage 0.1.0\n" or "hello again from tinyimage 0.1.0\n", o.Answer));
        Assert.Equal("hello again from tinyimage 0.1.0\n", await GetAsync(url));
        Assert.Contains("Building", rollPhases.Phases);
        Assert.DoesNotContain(cluster.StandIns.Runner.StandIn.Failures, f => f.StartsWith(ns + "/", StringComparison.Ordinal));

        // 5. the operator did all of it in its own pod, within the chart's memory limit (enforced by the cgroup where podman can)
        await AssertOperatorRunsAsync(cluster);
        var pod = cluster.OperatorPod!.Status;
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"operator pod: peak memory {pod.MemoryPeakBytes / 1048576.0:0.0} MiB of a {pod.MemoryLimitBytes / 1048576.0:0} MiB limit (enforced by the cgroup: {pod.MemoryLimitEnforced}), {pod.ReadinessProbes} readiness and {pod.LivenessProbes} liveness probes, {pod.RestartCount} restarts"));
        Assert.NotNull(pod.MemoryLimitBytes);
        Assert.InRange(pod.MemoryPeakBytes ?? 0, 1, pod.MemoryLimitBytes.Value - 1);
        Assert.Equal(0, pod.RestartCount);
    }

    [Fact]
    public async Task The_Operator_Runs_From_Its_Chart_In_A_Locked_Down_Pod_With_Its_Service_Account_And_Its_Deployment_Is_Available()
    {
        var cluster = fixture.Require();
        var deployment = await cluster.KubectlAsync(Ct, "get", "deployment", LocalCluster.Release, "-n", LocalCluster.OperatorNamespace,
            "-o", "jsonpath={.status.availableReplicas}/{.status.replicas} {.spec.template.spec.containers[0].image}");
        Assert.True(deployment.Succeeded, deployment.Describe());
        Assert.Equal("1/1 " + cluster.Registry.Host + "/tinyimage/operator:e2e@" + cluster.OperatorImage.Split('@')[1], deployment.Stdout.Trim());

        var pod = cluster.OperatorPod!;
        var run = string.Join(' ', pod.RunArguments);
        Output?.WriteLine("podman run " + run);
        Assert.Contains("--read-only --read-only-tmpfs=false", run, StringComparison.Ordinal);
        Assert.Contains("--user 65532", run, StringComparison.Ordinal);
        Assert.Contains("--cap-drop ALL", run, StringComparison.Ordinal);
        Assert.Contains("--security-opt no-new-privileges", run, StringComparison.Ordinal);
        Assert.Contains("--memory " + (256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), run, StringComparison.Ordinal); // the chart's limit
        Assert.Contains("KUBERNETES_SERVICE_HOST=127.0.0.1", run, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_PORT=" + cluster.Kube.Port.ToString(CultureInfo.InvariantCulture), run, StringComparison.Ordinal);
        Assert.Contains("destination=/var/run/secrets/kubernetes.io/serviceaccount,ro=true", run, StringComparison.Ordinal);
        Assert.DoesNotContain("--kubeconfig", run, StringComparison.Ordinal);
        Assert.True(pod.Status is { Ready: true, RestartCount: 0 }, pod.Status.ToString());
        Assert.True(pod.Status.ReadinessProbes > 0, "the readiness probe was never polled");

        // In-cluster configuration: the operator talks to the server with the chart's ServiceAccount, so RBAC from the chart
        // decides; a ServiceAccount without those bindings is refused the same list.
        var asOperator = cluster.Kube.WriteKubeconfig(Path.Combine(cluster.Directory, "operator-sa.kubeconfig"), token: cluster.Kube.CreateToken(LocalCluster.OperatorNamespace, LocalCluster.Release));
        var can = await Tool.RunAsync(LocalCluster.KubectlPath, ["--kubeconfig", asOperator, "auth", "can-i", "watch", "tinyimages.tinyimage.dev", "--all-namespaces"], Ct);
        Assert.Equal("yes", can.Stdout.Trim());
        var cannot = await Tool.RunAsync(LocalCluster.KubectlPath, ["--kubeconfig", asOperator, "auth", "can-i", "delete", "secrets", "-n", "kube-system"], Ct);
        Assert.Equal("no", cannot.Stdout.Trim());
        Assert.Contains(cluster.Kube.Requests.All, r => r.Resource == "tinyimages" && r.Verb == "watch" && r.StatusCode == 200 && r.UserAgent?.StartsWith("kubectl", StringComparison.Ordinal) != true);
    }

    [Fact]
    public async Task A_Binary_Without_Sbom_Stalls_With_SbomMissing_And_Is_Never_Deployed()
    {
        var cluster = fixture.Require();
        const string ns = "nosbom";
        await ArrangeNamespaceAsync(cluster, ns);

        await ApplyAsync(cluster, Manifests.TinyImage(ns, "hello", cluster.Registry.Host, build: "auditable: false"));

        var deployments = await WaitStalledAsync(cluster, ns, "hello");
        var verified = cluster.Condition(ns, "hello", "SbomVerified");
        Output?.WriteLine("SbomVerified: " + verified);
        Assert.Equal(("False", "SbomMissing"), Pick(verified));
        Assert.Equal("Failed", (string?)cluster.TinyImage(ns, "hello")!["status"]!["phase"]);
        Assert.EndsWith("hello-service-nosbom", Assert.Single(cluster.StandIns.Runner.StandIn.Builds, b => b.Namespace == ns).BinaryFile, StringComparison.Ordinal);
        Assert.All(deployments, d => Assert.Null(d));
        Assert.DoesNotContain(cluster.StandIns.Kubelet.Rollouts, r => r.Namespace == ns);
    }

    [Fact]
    public async Task A_Denied_Package_Blocks_The_Image_And_The_Message_Names_openssl_sys()
    {
        var cluster = fixture.Require();
        const string ns = "denied";
        await ArrangeNamespaceAsync(cluster, ns, project: "hello-service-denied");

        await ApplyAsync(cluster, Manifests.TinyImage(ns, "hello-denied", cluster.Registry.Host, verify: "denyPackages: [openssl-sys, native-tls]"));

        var deployments = await WaitStalledAsync(cluster, ns, "hello-denied");
        var verified = cluster.Condition(ns, "hello-denied", "SbomVerified");
        Output?.WriteLine("SbomVerified: " + verified);
        Assert.Equal(("False", "PackageDenied"), Pick(verified));
        Assert.Contains("openssl-sys", verified!.Value.Message, StringComparison.Ordinal);
        Assert.All(deployments, d => Assert.Null(d));
    }

    [Fact]
    public async Task An_Image_Over_MaxImageSize_Is_Blocked_And_The_Message_Has_Both_Sizes()
    {
        var cluster = fixture.Require();
        const string ns = "oversize";
        await ArrangeNamespaceAsync(cluster, ns);

        await ApplyAsync(cluster, Manifests.TinyImage(ns, "hello", cluster.Registry.Host, verify: "maxImageSize: 100Ki"));

        var deployments = await WaitStalledAsync(cluster, ns, "hello");
        var verified = cluster.Condition(ns, "hello", "SbomVerified");
        Output?.WriteLine("SbomVerified: " + verified);
        Assert.Equal(("False", "ImageTooLarge"), Pick(verified));
        var build = Assert.Single(cluster.StandIns.Runner.StandIn.Builds, b => b.Namespace == ns);
        Assert.Contains("102400", verified!.Value.Message, StringComparison.Ordinal);
        Assert.Contains((build.LayerBytes + build.ConfigBytes).ToString(CultureInfo.InvariantCulture), verified.Value.Message, StringComparison.Ordinal);
        Assert.All(deployments, d => Assert.Null(d));
    }

    /// <summary>Fails at once, with the operator's log, when its container restarted or exited.</summary>
    internal static async Task AssertOperatorRunsAsync(LocalCluster cluster)
    {
        if (cluster.OperatorExited.IsCompleted)
        {
            Assert.Fail("the operator's container restarted or exited\n" + await cluster.DiagnosticsAsync(Ct));
        }
    }

    private static (string, string?) Pick((string Status, string? Reason, string? Message)? c) => c is { } v ? (v.Status, v.Reason) : ("<none>", null);

    private static void AssertInPhaseOrder(IReadOnlyList<string> phases)
    {
        var ranks = phases.Select(p => Array.IndexOf(PhaseOrder, p)).ToList();
        Assert.DoesNotContain(-1, ranks);
        Assert.Equal(ranks.Order(), ranks);
    }

    internal static async Task ArrangeNamespaceAsync(LocalCluster cluster, string ns, string project = "hello-service")
    {
        var dir = RepoPaths.Repo("tests", "data", project);
        foreach (var args in new[]
        {
            new[] { "create", "namespace", ns },
            ["create", "secret", "docker-registry", "registry-push", "-n", ns, "--docker-server=" + cluster.Registry.Host,
                "--docker-username=" + cluster.Registry.Username, "--docker-password=" + cluster.Registry.Password],
            ["create", "configmap", "hello-src", "-n", ns, "--from-file=Cargo.toml=" + Path.Combine(dir, "Cargo.toml"),
                "--from-file=Cargo.lock=" + Path.Combine(dir, "Cargo.lock"), "--from-file=main.rs=" + Path.Combine(dir, "src", "main.rs")],
        })
        {
            // As a person types it: kubectl's generators send protobuf bodies, which the emulator decodes like the server.
            var r = await cluster.KubectlAsync(Ct, args);
            Assert.True(r.Succeeded, r.Describe());
        }
    }

    internal static async Task ApplyAsync(LocalCluster cluster, string manifest)
    {
        var r = await cluster.KubectlWithInputAsync(manifest, Ct, "apply", "-f", "-");
        Assert.True(r.Succeeded, r.Describe() + "\n" + manifest);
        Output?.WriteLine("kubectl apply: " + r.Stdout.Trim());
    }

    private static async Task WaitReadyAsync(LocalCluster cluster, string ns, string name)
    {
        var waiting = cluster.KubectlAsync(Ct, "wait", "--for=condition=Ready", "ti/" + name, "-n", ns, "--timeout=90s");
        await Task.WhenAny(waiting, cluster.OperatorExited);
        await AssertOperatorRunsAsync(cluster);
        var wait = await waiting;
        if (!wait.Succeeded)
        {
            Assert.Fail(wait.Describe() + "\n" + await cluster.DiagnosticsAsync(Ct) + "\nstatus: " + cluster.TinyImage(ns, name)?["status"]?.ToJsonString());
        }

        Output?.WriteLine("kubectl wait: " + wait.Stdout.Trim());
    }

    /// <summary>Waits for Stalled=True (kubectl wait), recording at every poll whether a Deployment existed (its image).</summary>
    private static async Task<List<string?>> WaitStalledAsync(LocalCluster cluster, string ns, string name)
    {
        var deployments = new List<string?>();
        var wait = cluster.KubectlAsync(Ct, "wait", "--for=condition=Stalled", "ti/" + name, "-n", ns, "--timeout=90s");
        while (!wait.IsCompleted)
        {
            await AssertOperatorRunsAsync(cluster);
            deployments.Add(cluster.DeployedImage(ns, name));
            await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(100), Ct));
        }

        var result = await wait;
        if (!result.Succeeded)
        {
            Assert.Fail(result.Describe() + "\n" + await cluster.DiagnosticsAsync(Ct) + "\nstatus: " + cluster.TinyImage(ns, name)?["status"]?.ToJsonString());
        }

        deployments.Add(cluster.DeployedImage(ns, name));
        Output?.WriteLine("kubectl wait: " + result.Stdout.Trim());
        return deployments;
    }

    private static async Task<string> GetAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(url, Ct);
    }
}
