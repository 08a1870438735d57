using System.Net;
using System.Net.Sockets;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Resilience;

/// <summary>The run verb whose metrics and health port is taken exits 1 naming the port, never with an unhandled exception.</summary>
public sealed class MetricsPortTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("metrics-port-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task The_Run_Verb_Exits_1_Naming_The_Port_When_The_Metrics_Port_Is_Taken()
    {
        await using var h = await OperatorHarness.StartAsync();
        var kubeconfig = h.Kube.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var exit = await RunCommand.RunAsync(
                ["--kubeconfig", kubeconfig, "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--leader-elect=false", "--log-level", "Error"],
                (_, _) => new FakeImageVerifier(),
                stdout,
                stderr,
                TestContext.Current.CancellationToken);

            Assert.True(exit == 1, "exit " + exit + ": " + stderr);
            Assert.Contains("cannot listen on port " + port, stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            taken.Stop();
        }
    }
}
