using TinyImage.Operator.Hosting;
using TinyImage.Kube;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>An operator running in the background of a test.</summary>
internal sealed class RunningOperator
{
    private readonly CancellationTokenSource stop = new();
    private readonly KubeConnection connection;
    private readonly Task run;

    public RunningOperator(OperatorHost host, KubeConnection connection)
    {
        Host = host;
        this.connection = connection;
        run = Task.Run(() => host.RunAsync(stop.Token));
    }

    public OperatorHost Host { get; }

    public string Identity => Host.Identity;

    /// <summary>True when the run ended by itself (a crash).</summary>
    public bool Faulted => run.IsFaulted;

    /// <summary>Stops as on SIGTERM and waits for the run to end (lease released).</summary>
    public async Task StopAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await run;
        connection.Dispose();
    }
}
