using System.Diagnostics;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Testcontainers.K3s;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.E2E;

/// <summary>
/// The whole flow on a real cluster: K3s and a registry in containers, the CRD and RBAC from config/, the operator
/// (host process, authenticated as its own least-privilege ServiceAccount), the hello sample built by a real Kaniko,
/// verified, deployed, and answering on port 3000 through its Service. Runs only where a Docker engine exists.
/// </summary>
public sealed class K3sEndToEndTests
{
    private const string Namespace = "e2e";

    [Fact]
    public async Task Sample_TinyImage_Becomes_Ready_And_Answers_Through_Its_Service_On_K3s()
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var kubectl = RepoPaths.Tools("bin", "kubectl");
        var operatorBinary = RepoPaths.Repo("src", "TinyImage.Operator", "bin", "Debug", "net10.0", "tinyimage-operator");
        Assert.True(File.Exists(kubectl), "kubectl missing: run scripts/install-tools.sh");
        Assert.True(File.Exists(operatorBinary), "operator not built: run dotnet build Operator.sln");
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("tinyimage-e2e-");

        // 1. A network with a registry; its address is the same for the host (the operator's verifier) and the cluster.
        await using INetwork network = new NetworkBuilder().Build();
        await using IContainer registry = new ContainerBuilder("registry:2")
            .WithNetwork(network)
            .WithPortBinding(5000, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/v2/").ForPort(5000)))
            .Build();
        await registry.StartAsync(ct);
        var registryHost = $"{registry.IpAddress}:5000";

        // 2. K3s that pulls from that registry over plain HTTP.
        var registries = $"mirrors:\n  \"{registryHost}\":\n    endpoint:\n      - \"http://{registryHost}\"\n";
        await using var k3s = new K3sBuilder("rancher/k3s:v1.31.4-k3s1")
            .WithNetwork(network)
            .WithResourceMapping(Encoding.UTF8.GetBytes(registries), "/etc/rancher/k3s/registries.yaml")
            .Build();
        await k3s.StartAsync(ct);
        var adminConfig = Path.Combine(work.FullName, "admin.kubeconfig");
        await File.WriteAllTextAsync(adminConfig, await k3s.GetKubeconfigAsync(), ct);

        // 3. CRD and RBAC from config/, then a kubeconfig for the operator's own ServiceAccount.
        await Run(kubectl, $"--kubeconfig {adminConfig} apply -k {RepoPaths.Repo("config", "crd")}", ct);
        await Run(kubectl, $"--kubeconfig {adminConfig} create namespace tinyimage-system", ct);
        await Run(kubectl, $"--kubeconfig {adminConfig} apply -n tinyimage-system -k {RepoPaths.Repo("config", "rbac")}", ct);
        var token = (await Run(kubectl, $"--kubeconfig {adminConfig} -n tinyimage-system create token tinyimage-operator --duration=2h", ct)).Trim();
        var operatorConfig = Path.Combine(work.FullName, "operator.kubeconfig");
        await Run(kubectl, $"--kubeconfig {operatorConfig} config set-cluster k3s --server={ServerOf(await File.ReadAllTextAsync(adminConfig, ct))} --insecure-skip-tls-verify=true", ct);
        await Run(kubectl, $"--kubeconfig {operatorConfig} config set-credentials op --token={token}", ct);
        await Run(kubectl, $"--kubeconfig {operatorConfig} config set-context op --cluster=k3s --user=op", ct);
        await Run(kubectl, $"--kubeconfig {operatorConfig} config use-context op", ct);

        // 4. The operator.
        using var op = Process.Start(new ProcessStartInfo(operatorBinary, $"run --kubeconfig {operatorConfig} --leader-elect=false --operator-namespace tinyimage-system")
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        })!;
        try
        {
            // 5. The sample: its ConfigMap source and the TinyImage, pushed to the registry in the network.
            await Run(kubectl, $"--kubeconfig {adminConfig} create namespace {Namespace}", ct);
            await Run(kubectl, $"--kubeconfig {adminConfig} -n {Namespace} apply -f {RepoPaths.Repo("config", "samples", "hello-src.yaml")}", ct);
            var sample = (await File.ReadAllTextAsync(RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_hello.yaml"), ct))
                .Replace("registry.tinyimage-system.svc:5000", registryHost, StringComparison.Ordinal);
            var samplePath = Path.Combine(work.FullName, "hello.yaml");
            await File.WriteAllTextAsync(samplePath, sample, ct);
            await Run(kubectl, $"--kubeconfig {adminConfig} -n {Namespace} apply -f {samplePath}", ct);

            // 6. Ready, then port 3000 through the Service.
            await Run(kubectl, $"--kubeconfig {adminConfig} -n {Namespace} wait --for=condition=Ready tinyimage/hello --timeout=20m", ct);
            var answer = await Run(kubectl, $"--kubeconfig {adminConfig} get --raw /api/v1/namespaces/{Namespace}/services/hello:3000/proxy/", ct);
            Assert.Contains("hello from tinyimage", answer, StringComparison.Ordinal);
        }
        finally
        {
            op.Kill(entireProcessTree: true);
            work.Delete(recursive: true);
        }
    }

    private static string ServerOf(string kubeconfig) =>
        kubeconfig.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("server:", StringComparison.Ordinal))["server:".Length..].Trim();

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
