using Microsoft.Extensions.Logging;
using TinyImage.Operator.Reconciler;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// The <c>run</c> verb (also what runs without a verb): find the cluster, check it answers and knows the TinyImage
/// kind, then run the operator until SIGTERM. Without a cluster it exits 1 and says what it tried.
/// </summary>
internal static class RunCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args, Func<ILoggerFactory, Configuration.OperatorOptions, IImageVerifier> createVerifier) =>
        RunAsync(args, createVerifier, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; what goes wrong before the operator starts goes to <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<ILoggerFactory, Configuration.OperatorOptions, IImageVerifier> createVerifier, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (arguments, error) = RunArguments.Parse(args, Environment.GetEnvironmentVariable);
        if (arguments is null)
        {
            await stderr.WriteLineAsync("tinyimage-operator: " + error + "\n\n" + RunArguments.Usage).ConfigureAwait(false);
            return 2;
        }

        if (arguments.Help)
        {
            await stdout.WriteLineAsync(RunArguments.Usage).ConfigureAwait(false);
            return 0;
        }

        StartupTrace.Mark("arguments parsed");

        var (config, source, tried) = ClusterConfigLoader.Load(arguments.Kubeconfig, arguments.Context, Environment.GetEnvironmentVariable);
        StartupTrace.Mark("cluster configuration loaded");
        if (config is null)
        {
            await stderr.WriteLineAsync(NoCluster("found no cluster configuration", tried)).ConfigureAwait(false);
            return 1;
        }

        using var loggers = OperatorLogging.Create(arguments.JsonLogs, arguments.LogLevel);
        StartupTrace.Mark("logging ready");
        var identity = OperatorHost.NewIdentity(Environment.GetEnvironmentVariable("POD_NAME"));
        KubeConnection connection;
        try
        {
            connection = KubeConnection.FromConfig(config, identity);
        }
        catch (Exception exception) when (ClusterConfigLoader.IsUnusable(exception))
        {
            // Certificates are loaded here (a client certificate that is not one): a named error, never a crash.
            await stderr.WriteLineAsync(NoCluster("cannot use the cluster configuration from " + source + ": " + exception.Message, tried)).ConfigureAwait(false);
            return 1;
        }

        using var disposeConnection = connection;
        StartupTrace.Mark("connection ready");
        using var signal = new ShutdownSignal();
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(signal.Token, cancellationToken);
        var probe = await ClusterProbe.CheckAsync(connection, arguments.Options.WatchNamespaces, shutdown.Token).ConfigureAwait(false);
        StartupTrace.Mark("cluster probed");
        if (probe is not null)
        {
            await stderr.WriteLineAsync(NoCluster("cannot use the cluster at " + config.Host + " (from " + source + "): " + probe, tried)).ConfigureAwait(false);
            return 1;
        }

        var verifier = createVerifier(loggers, arguments.Options);
        using var disposeVerifier = verifier as IDisposable;
        var host = new OperatorHost(connection, verifier, arguments.Options, new ControllerSettings { Instance = identity }, TimeProvider.System, loggers, identity);
        StartupTrace.Mark("verifier and host ready");
        loggers.CreateLogger("TinyImage.Operator").LogInformation("tinyimage-operator {Identity} using {Source} ({Host})", identity, source, config.Host);
        using var otlp = OtlpExport.StartIfConfigured(Environment.GetEnvironmentVariable);
        using var collector = PrometheusCollector.ForOperator();
        HealthServer health;
        try
        {
            health = HealthServer.Start(arguments.Options.MetricsPort, collector, host.Readiness, loggers.CreateLogger("TinyImage.Operator.Health"));
        }
        catch (InvalidOperationException exception)
        {
            // The port is taken (another process, a second operator in the same network namespace): a named error, not a crash.
            await stderr.WriteLineAsync("tinyimage-operator: cannot serve /metrics, /healthz and /readyz: " + exception.Message + " (--metrics-port)").ConfigureAwait(false);
            return 1;
        }

        await using var disposeHealth = health;
        Sources.Webhooks.WebhookServer? webhooks = null;
        if (arguments.Options.WebhookPort is { } webhookPort)
        {
            var cluster = new ClusterView(connection);
            var receiver = new Sources.Webhooks.WebhookReceiver(cluster.TinyImages, cluster.Secrets, arguments.Options.WatchNamespaces, TimeProvider.System, loggers.CreateLogger("TinyImage.Operator.Webhooks"));
            try
            {
                webhooks = Sources.Webhooks.WebhookServer.Start(webhookPort, receiver, loggers.CreateLogger("TinyImage.Operator.Webhooks"));
            }
            catch (InvalidOperationException exception)
            {
                await stderr.WriteLineAsync("tinyimage-operator: cannot receive webhooks: " + exception.Message + " (--webhook-port)").ConfigureAwait(false);
                return 1;
            }
        }

        await using var disposeWebhooks = webhooks;
        StartupTrace.Mark("health server listening");
        await host.RunAsync(shutdown.Token).ConfigureAwait(false);
        return 0;
    }

    private static string NoCluster(string what, IReadOnlyList<string> tried) =>
        "tinyimage-operator: " + what + ".\n"
        + "Tried:\n" + string.Concat(tried.Select(t => "  - " + t + "\n"))
        + "Without a cluster:\n"
        + "  tinyimage-operator render tinyimage.yaml   shows the Containerfile, Job, Deployment and Service it would create\n"
        + "To install into a cluster:\n"
        + "  helm install tinyimage-operator charts/tinyimage-operator --namespace tinyimage-system --create-namespace";
}
