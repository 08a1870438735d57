using System.Diagnostics;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;
using Testcontainers.K3s;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.E2E;

/// <summary>
/// The whole flow on a real cluster, with the operator as it ships: its image built from the repository's Dockerfile and
/// imported into K3s, the chart installed with `helm template | kubectl apply` (CRD, least-privilege RBAC, the locked-down
/// Deployment with its scratch volume), a registry in the same network, the hello sample built by a real Kaniko,
/// verified, deployed, and answering on port 3000 through its Service; then a spec change that Ready waits for.
/// The build runs as the operator confines it (issue 16): Kaniko with every capability dropped but the seven it needs,
/// no privilege escalation, seccomp RuntimeDefault, and the NetworkPolicy NAME-build, which K3s enforces (its embedded
/// network policy controller); this is the one place those are proven against a real Kaniko and a real network. A
/// TinyImage asking for a Kaniko image the admin policy does not allow stalls with PolicyDenied.
/// Runs on the oldest and the newest Kubernetes minor the README declares supported, only where a Docker engine exists.
/// </summary>
public sealed class K3sEndToEndTests
{
    private const string Namespace = "e2e";
    private const string OperatorNamespace = "tinyimage-system";
    private const string OperatorImage = "tinyimage-operator:e2e";

    /// <summary>The K3s images of the oldest and newest supported minors (README, "Supported Kubernetes versions").</summary>
    public static TheoryData<string> SupportedK3s => new() { "rancher/k3s:v1.31.4-k3s1", "rancher/k3s:v1.35.5-k3s1" };

    [Theory]
    [MemberData(nameof(SupportedK3s))]
    public async Task The_Chart_Installed_Operator_Builds_The_Sample_With_A_Least_Privilege_Kaniko_Takes_It_To_Ready_And_Rolls_Out_A_Spec_Change(string k3sImage)
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var kubectl = RepoPaths.Tools("bin", "kubectl");
        var helm = RepoPaths.Tools("bin", "helm");
        Assert.True(File.Exists(kubectl) && File.Exists(helm), "kubectl or helm missing: run scripts/install-tools.sh");
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("tinyimage-e2e-");

        // 1. The operator's image, built from the Dockerfile exactly as a release builds it.
        var image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(RepoPaths.Root)
            .WithDockerfile("Dockerfile")
            .WithName(OperatorImage)
            .WithCleanUp(false)
            .Build();
        await image.CreateAsync(ct);
        var imageTar = Path.Combine(work.FullName, "operator.tar");
        await Run("docker", $"save {OperatorImage} -o {imageTar}", ct);

        // 2. A network with a registry; its address is the same for the operator's verifier (in the cluster) and Kaniko.
        await using INetwork network = new NetworkBuilder().Build();
        await using IContainer registry = new ContainerBuilder("registry:2")
            .WithNetwork(network)
            .WithPortBinding(5000, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/v2/").ForPort(5000)))
            .Build();
        await registry.StartAsync(ct);
        var registryHost = $"{registry.IpAddress}:5000";

        // 3. K3s that pulls from that registry over plain HTTP, with the operator's image imported into containerd.
        var registries = $"mirrors:\n  \"{registryHost}\":\n    endpoint:\n      - \"http://{registryHost}\"\n";
        await using var k3s = new K3sBuilder(k3sImage)
            .WithNetwork(network)
            .WithResourceMapping(Encoding.UTF8.GetBytes(registries), "/etc/rancher/k3s/registries.yaml")
            .Build();
        await k3s.StartAsync(ct);
        await k3s.CopyAsync(await File.ReadAllBytesAsync(imageTar, ct), "/tmp/operator.tar", ct: ct);
        var imported = await k3s.ExecAsync(["ctr", "-n", "k8s.io", "images", "import", "/tmp/operator.tar"], ct);
        Assert.True(imported.ExitCode == 0, "ctr images import: " + imported.Stderr);
        var admin = Path.Combine(work.FullName, "admin.kubeconfig");
        await File.WriteAllTextAsync(admin, await k3s.GetKubeconfigAsync(), ct);
        Task<string> Kubectl(string args) => Run(kubectl, $"--kubeconfig {admin} {args}", ct);

        // 4. The chart, as a user installs it (helm template keeps helm's cluster access out of the test). The admin lets
        //    the sample use the plain-HTTP registry and lets build pods reach it (it is in a private range, port 5000).
        await Kubectl($"create namespace {OperatorNamespace}");
        var values = Path.Combine(work.FullName, "values.yaml");
        await File.WriteAllTextAsync(values, BuildPodValues(registryHost, registry.IpAddress), ct);
        var manifest = await Run(helm, $"template tinyimage {RepoPaths.Repo("charts", "tinyimage-operator")} --namespace {OperatorNamespace} "
            + $"--set image.repository=tinyimage-operator --set image.tag=e2e --set image.pullPolicy=Never -f {values}", ct);
        var manifestPath = Path.Combine(work.FullName, "chart.yaml");
        await File.WriteAllTextAsync(manifestPath, manifest, ct);
        await Kubectl($"apply -f {manifestPath}");
        await Kubectl($"-n {OperatorNamespace} rollout status deployment/tinyimage-tinyimage-operator --timeout=5m");

        // 5. The sample: its ConfigMap source and the TinyImage, pushed to the registry in the network.
        await Kubectl($"create namespace {Namespace}");
        await Kubectl($"-n {Namespace} apply -f {RepoPaths.Repo("config", "samples", "hello-src.yaml")}");
        var sample = (await File.ReadAllTextAsync(RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_hello.yaml"), ct))
            .Replace("registry.tinyimage-system.svc:5000", registryHost, StringComparison.Ordinal);
        var samplePath = Path.Combine(work.FullName, "hello.yaml");
        await File.WriteAllTextAsync(samplePath, sample, ct);
        await Kubectl($"-n {Namespace} apply -f {samplePath}");

        // 6. Ready, then port 3000 through the Service.
        await Kubectl($"-n {Namespace} wait --for=condition=Ready tinyimage/hello --timeout=20m");
        var answer = await Kubectl($"get --raw /api/v1/namespaces/{Namespace}/services/hello:3000/proxy/");
        Assert.Contains("hello from tinyimage", answer, StringComparison.Ordinal);
        var firstDigest = await Kubectl($"-n {Namespace} get tinyimage hello -o jsonpath={{.status.image.digest}}");

        // 6b. That build ran as confined: real Kaniko with ALL dropped and only the listed capabilities, no escalation.
        var job = (await Kubectl($"-n {Namespace} get tinyimage hello -o jsonpath={{.status.build.jobName}}")).Trim();
        var security = await Kubectl($"-n {Namespace} get job {job} -o jsonpath={{.spec.template.spec.containers[0].securityContext}}");
        Assert.Contains("\"drop\":[\"ALL\"]", security, StringComparison.Ordinal);
        Assert.Contains("\"add\":[\"CHOWN\",\"DAC_OVERRIDE\",\"FOWNER\",\"SETGID\",\"SETUID\",\"SETFCAP\",\"KILL\"]", security, StringComparison.Ordinal);
        Assert.Contains("\"allowPrivilegeEscalation\":false", security, StringComparison.Ordinal);

        // 6c. The build NetworkPolicy is enforced: a pod with the build labels reaches the registry but not the API server.
        Assert.Contains("hello-build", await Kubectl($"-n {Namespace} get networkpolicy hello-build -o name"), StringComparison.Ordinal);
        var probe = $"run egress-probe --image=busybox:1.36 --restart=Never "
            + "--labels=app.kubernetes.io/managed-by=tinyimage-operator,app.kubernetes.io/component=build,tinyimage.dev/name=hello "
            + $"--command -- sh -c \"wget -T 10 -qO /dev/null http://{registryHost}/v2/ && echo registry-ok; "
            + "if wget -T 5 -qO /dev/null http://kubernetes.default.svc:443/ 2>&1 | grep -q 'timed out'; then echo api-blocked; else echo api-reachable; fi\"";
        await Kubectl($"-n {Namespace} {probe}");
        await Kubectl($"-n {Namespace} wait --for=jsonpath={{.status.phase}}=Succeeded pod/egress-probe --timeout=5m");
        var probeLog = await Kubectl($"-n {Namespace} logs egress-probe");
        Assert.Contains("registry-ok", probeLog, StringComparison.Ordinal);
        Assert.Contains("api-blocked", probeLog, StringComparison.Ordinal);

        // 6d. The admin policy: a Kaniko image of the tenant's choice stalls before anything is built.
        var greedyPath = Path.Combine(work.FullName, "greedy.yaml");
        await File.WriteAllTextAsync(greedyPath, sample.Replace("name: hello\n", "name: greedy\n", StringComparison.Ordinal)
            .Replace("  binary: hello-service", "  binary: hello-service\n  build:\n    kanikoImage: attacker.example/kaniko:latest", StringComparison.Ordinal), ct);
        await Kubectl($"-n {Namespace} apply -f {greedyPath}");
        await Kubectl($"-n {Namespace} wait --for=condition=Stalled tinyimage/greedy --timeout=2m");
        Assert.Equal("PolicyDenied", (await Kubectl($"-n {Namespace} get tinyimage greedy -o jsonpath={{.status.conditions[?(@.type=='Stalled')].reason}}")).Trim());
        Assert.Equal("", (await Kubectl($"-n {Namespace} get jobs -l tinyimage.dev/name=greedy -o name")).Trim());

        // 7. A spec change: Ready with Reconciling=False only once the new pod serves, and the Deployment has no old pods.
        var patchPath = Path.Combine(work.FullName, "features.json");
        await File.WriteAllTextAsync(patchPath, """{"spec":{"build":{"features":["greeting-v2"]}}}""", ct);
        await Kubectl($"-n {Namespace} patch tinyimage hello --type=merge --patch-file {patchPath}");
        var generation = (await Kubectl($"-n {Namespace} get tinyimage hello -o jsonpath={{.metadata.generation}}")).Trim();
        await Kubectl($"-n {Namespace} wait --for=jsonpath={{.status.observedGeneration}}={generation} tinyimage/hello --timeout=20m");
        await Kubectl($"-n {Namespace} wait --for=condition=Reconciling=False tinyimage/hello --timeout=20m");
        var rollout = await Kubectl($"-n {Namespace} rollout status deployment/hello --timeout=10s");
        var secondDigest = await Kubectl($"-n {Namespace} get tinyimage hello -o jsonpath={{.status.image.digest}}");
        Assert.Contains("successfully rolled out", rollout, StringComparison.Ordinal);
        Assert.NotEqual(firstDigest, secondDigest);
        work.Delete(recursive: true);
    }

    /// <summary>
    /// Chart values for this cluster: the sample's registry may be insecure, and build pods may reach it as well as
    /// DNS and public addresses on 80/443 (the chart's default egress, which the list replaces as a whole).
    /// </summary>
    private static string BuildPodValues(string registryHost, string registryIp) => $$$"""
        policy:
          insecureRegistries: ["{{{registryHost}}}"]
        buildPods:
          networkPolicy:
            egress:
            - to:
              - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                podSelector: {matchLabels: {k8s-app: kube-dns}}
              ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
            - to:
              - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 100.64.0.0/10, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16]}
              ports: [{protocol: TCP, port: 443}, {protocol: TCP, port: 80}]
            - to:
              - ipBlock: {cidr: {{{registryIp}}}/32}
              ports: [{protocol: TCP, port: 5000}]
        """;

    private static async Task<string> Run(string file, string args, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {args} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
