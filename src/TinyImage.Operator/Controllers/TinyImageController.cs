using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Controllers;

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

        var tinyImages = Informer(cluster.TinyImages, options.ResyncPeriod, selector: null);
        tinyImages.AddHandler(e => queue.Add(ObjectKey.Of(e.Object)));
        cluster.TinyImageCache = tinyImages.Cache;
        var jobs = Owned(cluster.Jobs, queue);
        cluster.JobCache = jobs.Cache;
        var configMaps = Owned(cluster.ConfigMaps, queue);
        cluster.ConfigMapCache = configMaps.Cache;
        var deployments = Owned(cluster.Deployments, queue);
        cluster.DeploymentCache = deployments.Cache;
        var services = Owned(cluster.Services, queue);
        cluster.ServiceCache = services.Cache;
        IInformer[] informers = [tinyImages, jobs, configMaps, deployments, services];

        var events = new EventRecorder(cluster.Events, new EventRecorderOptions { Controller = "tinyimage.dev/operator", Instance = settings.Instance }, time, loggers.CreateLogger("TinyImage.Operator.Events"));
        var reconciler = new TinyImageReconciler(cluster, verifier, options, events, time, loggers.CreateLogger("TinyImage.Operator.Reconciler"));
        var controller = new Controller<ObjectKey>(queue, ReconcileTelemetry.Wrap(reconciler.ReconcileAsync, time), options.Concurrency, logger);

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

    /// <summary>An informer for an owned kind whose events wake the controller owner (a TinyImage).</summary>
    private Informer<T> Owned<T>(ResourceClient<T> client, WorkQueue<ObjectKey> queue)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = Informer(client, TimeSpan.Zero, TinyImageTypes.ManagedSelector);
        informer.AddHandler(e =>
        {
            if (Owners.ControllerKey(e.Object, TinyImageResource.ApiVersionValue, TinyImageResource.KindValue) is { } owner)
            {
                queue.Add(owner);
            }
        });
        return informer;
    }
}
