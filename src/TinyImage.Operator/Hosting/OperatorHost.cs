using Microsoft.Extensions.Logging;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Reconciler;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// The operator's main job: with leader election, campaign for the Lease and run the controller only while leading
/// (losing the lease cancels it at once; shutdown releases the lease); without, run the controller directly.
/// </summary>
internal sealed class OperatorHost
{
    private readonly KubeConnection connection;
    private readonly OperatorOptions options;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly TinyImageController controller;

    public OperatorHost(KubeConnection connection, IImageVerifier verifier, OperatorOptions options, ControllerSettings settings, TimeProvider time, ILoggerFactory loggers, string identity)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.connection = connection;
        this.options = options;
        this.time = time;
        this.loggers = loggers;
        Identity = identity;
        logger = loggers.CreateLogger("TinyImage.Operator.Host");

        // One controller; each leadership term runs it afresh (new informers, queue and caches).
        // Git hosts are reached under the registries' outbound policy.
        var git = settings.GitResolver ?? new Sources.GitRefResolver(Sources.GitRefResolver.CreateHandler(options.RegistryOutbound), new Sources.GitResolverOptions(), time);
        controller = new TinyImageController(connection, verifier, options, settings with { OnSynced = Readiness.Synced, GitResolver = git }, time, loggers);
    }

    public string Identity { get; }

    /// <summary>The controller this host runs (for tests: its re-audit counters).</summary>
    internal TinyImageController Controller => controller;

    /// <summary>What /readyz reports for this instance.</summary>
    public Readiness Readiness { get; } = new();

    /// <summary>True while this instance runs the controller.</summary>
    public bool IsReconciling { get; private set; }

    /// <summary>A process-unique identity: the pod name (or host name) and a random suffix.</summary>
    public static string NewIdentity(string? podName) =>
        (string.IsNullOrEmpty(podName) ? Environment.MachineName : podName) + "_" + Guid.NewGuid().ToString("N")[..8];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.LeaderElection)
        {
            await RunControllerAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var elector = new LeaderElector(
            new ResourceClient<k8s.Models.V1Lease>(connection, ResourceTypes.Leases),
            new LeaderElectionOptions
            {
                Namespace = options.OperatorNamespace,
                LeaseName = options.LeaseName,
                Identity = Identity,
                LeaseDuration = options.LeaseDuration,
                RenewInterval = options.RenewInterval,
                RenewDeadline = options.LeaseDuration * 2 / 3,
                RetryPeriod = options.RenewInterval < TimeSpan.FromSeconds(2) ? options.RenewInterval : TimeSpan.FromSeconds(2),
            },
            time,
            loggers.CreateLogger("TinyImage.Operator.LeaderElection"));
        Readiness.Standby();
        logger.LogInformation("{Identity} campaigning for lease {Namespace}/{Lease}", Identity, options.OperatorNamespace, options.LeaseName);
        await elector.RunAsync(RunControllerAsync, () => logger.LogInformation("{Identity} stopped leading", Identity), cancellationToken).ConfigureAwait(false);
    }

    private async Task RunControllerAsync(CancellationToken cancellationToken)
    {
        IsReconciling = true;
        Readiness.Syncing();
        try
        {
            await controller.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            IsReconciling = false;
            if (options.LeaderElection)
            {
                Readiness.Standby();
            }
            else
            {
                Readiness.Stopped();
            }
        }
    }
}
