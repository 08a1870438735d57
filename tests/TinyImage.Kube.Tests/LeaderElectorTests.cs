using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>LeaderElector against the strict emulator, on a clock the test controls.</summary>
public sealed class LeaderElectorTests
{
    private const string Namespace = "operators";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Lease_Taken_On_A_Whole_Second_Is_Written_With_Six_Fractional_Digits_And_Held()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero));
        var elector = new LeaderElector(
            new ResourceClient<V1Lease>(connection, ResourceTypes.Leases),
            new LeaderElectionOptions { Namespace = Namespace, LeaseName = "tinyimage-operator", Identity = "pod-1" },
            time,
            NullLogger.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var leading = new TaskCompletionSource();

        var run = elector.RunAsync(
            async ct =>
            {
                leading.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            null,
            stop.Token);
        await Eventually.TrueAsync(() => leading.Task.IsCompleted || run.IsCompleted, "the elector to lead (the first create is refused if the lease is not RFC3339Micro)", Token);

        Assert.True(elector.IsLeader);
        var lease = Assert.Single(kube.List("coordination.k8s.io/v1", "leases", Namespace));
        Assert.Equal("2026-12-02T07:00:00.000000Z", (string?)lease["spec"]!["renewTime"]);
        Assert.Equal("2026-12-02T07:00:00.000000Z", (string?)lease["spec"]!["acquireTime"]);
        await stop.CancelAsync();
        await run;
    }
}
