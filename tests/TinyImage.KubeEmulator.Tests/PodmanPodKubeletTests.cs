using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// The kubelet of the operator's own namespace: a Deployment's pod there runs exactly as stored (PodmanPod), its probes'
/// verdict goes into the pod's status so the controllers make the Deployment available, and its output is served at
/// <c>pods/NAME/log</c>; pods elsewhere go to the workload kubelet.
/// </summary>
public sealed class PodmanPodKubeletTests(PodmanPodFixture fixture) : IClassFixture<PodmanPodFixture>
{
    [Fact]
    public async Task A_Deployment_In_A_Pod_Spec_Namespace_Becomes_Available_Once_Its_Readiness_Probe_Passes_And_Other_Pods_Go_To_The_Workload_Kubelet()
    {
        var registry = fixture.Require();
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, TestContext.Current.CancellationToken);
        var workloads = new RecordingKubelet();
        await using var kubelet = PodmanPodKubelet.Start(kube, workloads, ["system"], Path.Combine(fixture.WorkDirectory, "routed"), registry.CertDirectory);
        kube.CreateNamespace("system");
        kube.CreateNamespace("apps");
        Assert.True(kube.Create("v1", "secrets", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "pull", ["namespace"] = "system" },
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) },
        }).IsSuccess);
        var port = FreePort();

        Assert.True(kube.Create("apps/v1", "deployments", Deployment("system", "operator", fixture.NonRootImage, port)).IsSuccess);
        Assert.True(kube.Create("apps/v1", "deployments", Deployment("apps", "hello", fixture.NonRootImage, FreePort())).IsSuccess);

        Assert.True(await KubeHttp.EventuallyAsync(
            () => JsonNumbers.Long(kube.Get("apps/v1", "deployments", "system", "operator").Body["status"]?["availableReplicas"]) == 1, TimeSpan.FromSeconds(120)),
            string.Join(" | ", kubelet.Pods.Select(p => p.Key + ": " + p.Status)) + " deployment: " + kube.Get("apps/v1", "deployments", "system", "operator").Body["status"]?.ToJsonString());
        var pod = Assert.Single(kube.Deployments.PodsOf("system", "operator"));
        var running = Assert.Single(kubelet.Pods);
        Assert.True(running.Status.ReadinessProbes > 0, "available without a readiness probe passing");
        Assert.Equal("Running", (string?)pod["status"]?["phase"]);
        Assert.Equal(true, (bool?)pod["status"]?["containerStatuses"]?[0]?["ready"]);
        Assert.Contains("--read-only", running.RunArguments);

        Assert.True(await KubeHttp.EventuallyAsync(() => kube.PodLogs.Get("system", (string)pod["metadata"]!["name"]!, "main").Contains("serving on", StringComparison.Ordinal), TimeSpan.FromSeconds(30)));
        Assert.True(await KubeHttp.EventuallyAsync(() => workloads.Started.Any(p => p.StartsWith("apps/hello-", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(workloads.Started, p => p.StartsWith("system/", StringComparison.Ordinal));
    }

    private static JsonObject Deployment(string ns, string name, string image, int port) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = 1,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["automountServiceAccountToken"] = false,
                    ["terminationGracePeriodSeconds"] = 1,
                    ["imagePullSecrets"] = new JsonArray(new JsonObject { ["name"] = "pull" }),
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "main",
                        ["image"] = image,
                        ["args"] = new JsonArray("serve", port.ToString(CultureInfo.InvariantCulture)),
                        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port }),
                        ["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = "http" }, ["periodSeconds"] = 1 },
                        ["securityContext"] = new JsonObject { ["readOnlyRootFilesystem"] = true, ["runAsNonRoot"] = true },
                    }),
                },
            },
        },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
