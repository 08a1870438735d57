using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Wires the runtime to the reconciler for one leadership term: informers for TinyImages and the kinds the operator
/// owns (Jobs, ConfigMaps, Deployments, Services; label-selected), each child event mapped to its controller owner's
/// key; a work queue; the workers. Starts reconciling once every cache has synced; stops when the token is cancelled.
/// </summary>
internal sealed class TinyImageController
{
    private static readonly TimeSpan SyncPoll = TimeSpan.FromMilliseconds(50);
    private readonly KubeConnection connection;
    private readonly IImageVerifier verifier;
    private readonly OperatorOptions options;
    private readonly ControllerSettings settings;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;

    public TinyImageController(KubeConnection connection, IImageVerifier verifier, OperatorOptions options, ControllerSettings settings, TimeProvider time, ILoggerFactory loggers)
    {
        this.connection = connection;
        this.verifier = verifier;
        this.options = options;
        this.settings = settings;
        this.time = time;
        this.loggers = loggers;
    }

    /// <summary>The queue of the running term, for tests and metrics.</summary>
    public WorkQueue<ObjectKey>? Queue { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("TinyImage.Operator.Controller");
        var cluster = new ClusterView(connection);
        using var queue = new WorkQueue<ObjectKey>(settings.Queue, time);
        Queue = queue;
        using var depth = KubeMetrics.TrackQueueDepth(() => queue.Depth);

        // Wake on what a pass reads, never on the operator's own status writes (only status and resourceVersion change).
        var tinyImages = Informer(cluster.TinyImages, options.ResyncPeriod, selector: null);
        tinyImages.AddHandler(e =>
        {
            if (EventFilters.SpecOrMetadataChanged(e))
            {
                queue.Add(ObjectKey.Of(e.Object));
            }
        });
        cluster.TinyImageCache = tinyImages.Cache;
        var jobs = Owned(cluster.Jobs, queue, EventFilters.WhenChanged<V1Job, (bool, bool, bool)>(JobSummary));
        cluster.JobCache = jobs.Cache;
        var configMaps = Owned(cluster.ConfigMaps, queue, EventFilters.WhenChanged<V1ConfigMap, bool>(_ => true));
        cluster.ConfigMapCache = configMaps.Cache;
        var deployments = Owned(cluster.Deployments, queue, EventFilters.WhenChanged<V1Deployment, (RolloutState, bool, int)>(DeploymentSummary));
        cluster.DeploymentCache = deployments.Cache;
        var services = Owned(cluster.Services, queue, EventFilters.WhenChanged<V1Service, bool>(_ => true));
        cluster.ServiceCache = services.Cache;
        IInformer[] informers = [tinyImages, jobs, configMaps, deployments, services];

        var events = new EventRecorder(cluster.Events, new EventRecorderOptions { Controller = "tinyimage.dev/operator", Instance = settings.Instance }, time, loggers.CreateLogger("TinyImage.Operator.Events"));
        using var registryToolchain = settings.Toolchain is null ? new Building.RegistryToolchainResolver(new Oci.RegistryClientOptions { Outbound = options.RegistryOutbound }, time, loggers.CreateLogger("TinyImage.Operator.Toolchain")) : null;
        var reconciler = new TinyImageReconciler(cluster, verifier, options, events, time, loggers.CreateLogger("TinyImage.Operator.Reconciler"), settings.Toolchain ?? registryToolchain);
        var reconcile = ReconcileTelemetry.Wrap(reconciler.ReconcileAsync, time);
        if (settings.OnReconciled is { } observe)
        {
            var inner = reconcile;
            reconcile = async (key, token) =>
            {
                var result = await inner(key, token).ConfigureAwait(false);
                observe(key, result);
                return result;
            };
        }

        var controller = new Controller<ObjectKey>(queue, reconcile, options.Concurrency, logger);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = informers.Select(i => i.RunAsync(stop.Token)).ToList();
        try
        {
            while (!informers.All(i => i.HasSynced))
            {
                await Task.Delay(SyncPoll, time, cancellationToken).ConfigureAwait(false);
            }

            settings.OnSynced?.Invoke();
            logger.LogInformation("Caches synced: {TinyImages} TinyImages; reconciling with {Workers} workers", tinyImages.Cache.Count, options.Concurrency);
            await controller.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping: the lease was lost or the process is shutting down
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            Queue = null;
        }
    }

    private Informer<T> Informer<T>(ResourceClient<T> client, TimeSpan resync, string? selector)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informerOptions = settings.Informer with { Namespaces = options.WatchNamespaces, LabelSelector = selector, ResyncPeriod = resync };
        return new Informer<T>(client, informerOptions, time, loggers.CreateLogger("TinyImage.Operator.Informer." + client.Type.Kind));
    }

    /// <summary>
    /// What a pass reads of a build Job: whether it finished, whether it failed, whether it is going away. Its pods'
    /// troubles change no Job; a running build is looked at again on a timer instead.
    /// </summary>
    internal static (bool Finished, bool Failed, bool Deleting) JobSummary(V1Job? job)
    {
        var conditions = job?.Status?.Conditions ?? [];
        var failed = conditions.Any(c => c.Type == "Failed" && c.Status == "True");
        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True");
        return (failed || complete, failed, job?.Metadata.DeletionTimestamp is not null);
    }

    /// <summary>What a pass reads of the Deployment: where its rollout stands, whether it is available, its ready pods.</summary>
    internal static (RolloutState Rollout, bool Available, int Ready) DeploymentSummary(V1Deployment? deployment)
    {
        if (deployment is null)
        {
            return (RolloutState.InProgress, false, 0);
        }

        var replicas = deployment.Spec?.Replicas ?? 1;
        var status = deployment.Status;
        return (RolloutStatus.Of(deployment, replicas).State, (status?.AvailableReplicas ?? 0) >= replicas, status?.ReadyReplicas ?? 0);
    }

    /// <summary>An informer for an owned kind whose relevant events wake the controller owner (a TinyImage).</summary>
    private Informer<T> Owned<T>(ResourceClient<T> client, WorkQueue<ObjectKey> queue, Func<InformerEvent<T>, bool> relevant)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = Informer(client, TimeSpan.Zero, TinyImageTypes.ManagedSelector);
        informer.AddHandler(e =>
        {
            if (relevant(e) && Owners.ControllerKey(e.Object, TinyImageResource.ApiVersionValue, TinyImageResource.KindValue) is { } owner)
            {
                queue.Add(owner);
            }
        });
        return informer;
    }
}
