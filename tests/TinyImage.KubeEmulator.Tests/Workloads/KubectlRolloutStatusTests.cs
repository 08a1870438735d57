using Microsoft.Extensions.Time.Testing;
using Xunit;
using static TinyImage.KubeEmulator.Tests.Workloads.Rollouts;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>The real kubectl 1.35's <c>rollout status</c> reading the status the emulator's deployment controller writes.</summary>
public sealed class KubectlRolloutStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-rollout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Kubectl_Rollout_Status_Succeeds_After_A_Rollout_And_Fails_On_An_Exceeded_Deadline()
    {
        KubectlRunner.SkipIfMissing();
        var kubectl = new KubectlRunner(_dir);

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { TimeProvider = clock });
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        kube.Deployments.AutoReady = true;
        kube.Deployments.DefaultKubelet.NeverReady(p => p.Deployment == "stuck");
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync(Deployments, Deployment("good", replicas: 2));
        await http.PostJsonAsync(Deployments, Deployment("stuck", replicas: 1, progressDeadlineSeconds: 30));
        await WaitAsync(() => Complete(Get(kube, "good")), "good rolls out");
        await WaitAsync(() => Count(Status(kube, "stuck"), "updatedReplicas") == 1, "stuck has its pod");

        var good = await kubectl.RunAsync("rollout", "status", "deployment/good", "--timeout=20s");
        var waiting = await kubectl.RunAsync("rollout", "status", "deployment/stuck", "--watch=false");
        await WaitAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            return (string?)Condition(Status(kube, "stuck"), "Progressing")?["reason"] == "ProgressDeadlineExceeded";
        }, "stuck passes its 30 s deadline", () => Status(kube, "stuck").ToJsonString());
        var stuck = await kubectl.RunAsync("rollout", "status", "deployment/stuck", "--timeout=20s");

        Assert.Equal((0, "deployment \"good\" successfully rolled out"), (good.Code, good.Output.Trim()));
        Assert.Equal((0, "Waiting for deployment \"stuck\" rollout to finish: 0 of 1 updated replicas are available..."), (waiting.Code, waiting.Output.Trim()));
        Assert.Equal(1, stuck.Code);
        Assert.Contains("error: deployment \"stuck\" exceeded its progress deadline", stuck.Output, StringComparison.Ordinal);
    }
}
