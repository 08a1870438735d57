using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Kube;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.IntegrationTests.Resilience;

/// <summary>
/// Something that is not a Kubernetes API server at the API server's address (a TLS web server answering HTML, a proxy
/// cutting JSON off): every answer that does not parse is the named error <c>InvalidResponse</c>, logged and retried with
/// backoff by the informers and leader election; the <c>run</c> verb refuses such an address before it starts, and never
/// ends in an unhandled exception.
/// </summary>
public sealed class GarbledApiServerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("garbled-api-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<Garble> Garbled() => new() { Garble.Html, Garble.TruncatedJson };

    [Theory]
    [MemberData(nameof(Garbled))]
    public async Task Every_Call_Of_The_Client_Names_A_Garbled_Answer_InvalidResponse_With_What_Came_Back(Garble garble)
    {
        await using var server = await GarbledApiServer.StartAsync(garble);
        using var connection = Connect(server);
        var client = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);
        var value = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = "demo", ResourceVersion = "1" } };

        List<(string Call, Func<Task> Run)> calls =
        [
            ("get", () => client.GetAsync("demo", "x", Ct)),
            ("list", () => client.ListAsync("demo", null, Ct)),
            ("create", () => client.CreateAsync(value, Ct)),
            ("replace", () => client.ReplaceAsync(value, Ct)),
            ("replace status", () => client.ReplaceStatusAsync(value, Ct)),
            ("patch", () => client.PatchAsync("demo", "x", PatchType.Merge, "{}", Ct)),
            ("watch", async () =>
            {
                await foreach (var _ in client.WatchAsync("demo", new WatchOptions(null, null, "1", 5), Ct))
                {
                }
            }),
        ];
        foreach (var (call, run) in calls)
        {
            var error = await Assert.ThrowsAsync<KubeApiException>(run);
            Assert.True(error.Reason == KubeApiException.InvalidResponse, call + ": " + error.Message);
            Assert.Contains(garble == Garble.Html ? "(text/html" : "(application/json", error.Message, StringComparison.Ordinal);
            if (call != "watch")
            {
                // The buffered body is quoted, so a person sees a web page (or a cut) instead of the API server.
                Assert.Contains(garble == Garble.Html ? "starting '<!DOCTYPE html>" : "starting '{\"apiVersion\"", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Garbled))]
    [InlineData(Garble.TruncatedAfterProbe)]
    public async Task An_Informer_Logs_InvalidResponse_And_Retries_With_Backoff_Without_Ever_Faulting(Garble garble)
    {
        await using var server = await GarbledApiServer.StartAsync(garble);
        using var connection = Connect(server);
        var recorded = new RecordingLoggers();
        using var loggers = recorded.Factory();
        var informer = new Informer<TinyImageResource>(
            new ResourceClient<TinyImageResource>(connection, TinyImageTypes.TinyImages),
            new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(10), BackoffMax = TimeSpan.FromMilliseconds(100), WatchTimeoutSeconds = 5 },
            TimeProvider.System,
            loggers.CreateLogger("informer"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => InvalidResponses(recorded).Count >= 3 || run.IsCompleted, "three logged InvalidResponse retries");

        Assert.False(run.IsCompleted, "the informer stopped: " + run.Exception);
        Assert.All(InvalidResponses(recorded), e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Equal(garble == Garble.TruncatedAfterProbe, informer.HasSynced); // the list parsed, only the watch is garbled
        await stop.CancelAsync();
        await run; // ends quietly on shutdown
    }

    [Theory]
    [MemberData(nameof(Garbled))]
    public async Task The_Operator_With_Leader_Election_Keeps_Campaigning_Against_A_Garbled_Server_And_Stops_Cleanly(Garble garble)
    {
        await using var server = await GarbledApiServer.StartAsync(garble);
        var connection = Connect(server);
        var recorded = new RecordingLoggers();
        using var loggers = recorded.Factory();
        var options = OperatorHarness.FastOptions with { LeaderElection = true };
        var host = new OperatorHost(connection, new FakeImageVerifier(), options, new ControllerSettings { Instance = "op-garbled" }, TimeProvider.System, loggers, "op-garbled");
        var op = new RunningOperator(host, connection);

        await Eventually.TrueAsync(
            () => server.Paths.Count(p => p.Contains("/leases/", StringComparison.Ordinal)) >= 3 || op.Faulted,
            "three attempts at the lease");

        Assert.False(op.Faulted, "the operator crashed");
        Assert.False(host.IsReconciling);
        Assert.Contains(recorded.Entries, e => e.Exception is KubeApiException { Reason: KubeApiException.InvalidResponse } && e.Message.Contains("lease", StringComparison.Ordinal));
        await op.StopAsync();
    }

    [Theory]
    [MemberData(nameof(Garbled))]
    public async Task The_Run_Verb_Refuses_An_Address_That_Is_Not_An_Api_Server_With_Exit_1_Naming_InvalidResponse(Garble garble)
    {
        await using var server = await GarbledApiServer.StartAsync(garble);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await RunCommand.RunAsync(["--kubeconfig", kubeconfig, "--metrics-port", "0"], (_, _) => new FakeImageVerifier(), stdout, stderr, Ct);

        Assert.True(exit == 1, "exit " + exit + ": " + stderr);
        Assert.Contains("cannot use the cluster at " + server.BaseUri.ToString().TrimEnd('/'), stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(KubeApiException.InvalidResponse + ": GET /version answered 200 (" + (garble == Garble.Html ? "text/html" : "application/json"), stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("is the address a Kubernetes API server?", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Run_Verb_Keeps_Running_When_Answers_Turn_Garbled_After_Its_Probe_And_Exits_0_When_Stopped()
    {
        await using var server = await GarbledApiServer.StartAsync(Garble.TruncatedAfterProbe);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = RunCommand.RunAsync(["--kubeconfig", kubeconfig, "--metrics-port", "0", "--log-level", "Error"], (_, _) => new FakeImageVerifier(), stdout, stderr, stop.Token);
        await Eventually.TrueAsync(
            () => server.Paths.Count(p => p.Contains("/leases/", StringComparison.Ordinal)) >= 3 || run.IsCompleted,
            "three attempts at the lease");

        if (run.IsCompleted)
        {
            Assert.Fail("the run verb ended by itself with exit " + await run + ": " + stderr);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
    }

    private static List<RecordingLoggers.LogEntry> InvalidResponses(RecordingLoggers recorded) =>
        [.. recorded.Entries.Where(e => e.Exception is KubeApiException { Reason: KubeApiException.InvalidResponse })];

    private KubeConnection Connect(GarbledApiServer server) =>
        KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.WriteKubeconfig(Path.Combine(dir, "kubeconfig-" + Guid.NewGuid().ToString("N")))), "op-garbled");
}
