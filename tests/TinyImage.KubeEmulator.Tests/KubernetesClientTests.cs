using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>KubernetesClient.Aot's typed client against the emulator, configured from the kubeconfig the emulator writes.</summary>
public sealed class KubernetesClientTests
{
    private static Kubernetes Connect(TinyImage.KubeEmulator.ApiServerEmulator kube)
    {
        var path = Path.Combine(Path.GetTempPath(), "kube-emulator-" + Guid.NewGuid().ToString("N") + ".yaml");
        kube.WriteKubeconfig(path);
        try
        {
            return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Typed_Client_Creates_Reads_Replaces_And_Lists_ConfigMaps()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var client = Connect(kube);
        var ct = KubeHttp.Bounded();

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "typed", Labels = new Dictionary<string, string> { ["app"] = "x" } }, Data = new Dictionary<string, string> { ["a"] = "1" } },
            "default", cancellationToken: ct);
        created.Data["a"] = "2";
        var replaced = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "typed", "default", cancellationToken: ct);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("typed", "default", cancellationToken: ct);
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "app=x", cancellationToken: ct);

        Assert.NotNull(created.Metadata.Uid);
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal("2", read.Data["a"]);
        Assert.Equal("typed", Assert.Single(list.Items).Metadata.Name);
        Assert.Equal(kube.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Typed_Client_Sees_409_Conflict_For_A_Stale_Replace()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var client = Connect(kube);
        var ct = KubeHttp.Bounded();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default", cancellationToken: ct);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"y"}}""", V1Patch.PatchType.MergePatch), "c", "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "c", "default", cancellationToken: ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"Conflict\"", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typed_Client_Writes_Deployment_Status_Through_The_Status_Subresource()
    {
        // An API server alone (no deployment controller to rewrite the status), as envtest runs one.
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { WorkloadControllers = false });
        using var client = Connect(kube);
        var ct = KubeHttp.Bounded();
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "d" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "d" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/app@sha256:" + new string('a', 64) }] },
                },
            },
        };
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: ct);

        var patched = await client.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"status":{"readyReplicas":1,"observedGeneration":1}}""", V1Patch.PatchType.MergePatch), "d", "default", cancellationToken: ct);
        var read = await client.AppsV1.ReadNamespacedDeploymentAsync("d", "default", cancellationToken: ct);

        Assert.Equal(1, patched.Status.ReadyReplicas);
        Assert.Equal(1, read.Status.ReadyReplicas);
        Assert.Equal(1, read.Metadata.Generation);
    }

    [Fact]
    public async Task Typed_Client_Deletes_With_Background_Propagation()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var client = Connect(kube);
        var ct = KubeHttp.Bounded();
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default", cancellationToken: ct);

        var status = await client.CoreV1.DeleteNamespacedSecretAsync("s", "default", propagationPolicy: "Background", cancellationToken: ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("s", "default", cancellationToken: ct));

        Assert.Equal("Success", status.Status);
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
