using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Sources;
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
    private readonly KubeConnection connection;
    private readonly IImageVerifier verifier;
    private readonly OperatorOptions options;
    private readonly ControllerSettings settings;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly AdvisoryReaudit reaudit;
    private readonly SemaphoreSlim reauditing = new(1, 1);

    public TinyImageController(KubeConnection connection, IImageVerifier verifier, OperatorOptions options, ControllerSettings settings, TimeProvider time, ILoggerFactory loggers)
    {
        this.connection = connection;
        this.verifier = verifier;
        this.options = options;
        this.settings = settings;
        this.time = time;
        this.loggers = loggers;
        reaudit = new AdvisoryReaudit(verifier.Advisories);
    }

    /// <summary>Re-audit passes run since start (one per database revision seen while leading); for tests.</summary>
    public int ReauditPasses => Volatile.Read(ref reauditPasses);

    /// <summary>TinyImages the re-audit passes enqueued because their status no longer said what their audit says; for tests.</summary>
    public int ReauditEnqueued => Volatile.Read(ref reauditEnqueued);

    private int reauditPasses;
    private int reauditEnqueued;

    /// <summary>The source revisions of the running term, for tests.</summary>
    public SourceRevisions? Sources { get; private set; }

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
        var jobs = Owned(cluster.Jobs, queue, EventFilters.WhenChanged<V1Job, (bool, bool, bool)>(JobSummary), CachedForm.Job, CachedForm.JobEvents);
        cluster.JobCache = jobs.Cache;
        var configMaps = Owned(cluster.ConfigMaps, queue, EventFilters.WhenChanged<V1ConfigMap, bool>(_ => true), CachedForm.ConfigMap, CachedForm.ConfigMapEvents);
        cluster.ConfigMapCache = configMaps.Cache;
        var deployments = Owned(cluster.Deployments, queue, EventFilters.WhenChanged<V1Deployment, (RolloutState, bool, int)>(DeploymentSummary), CachedForm.Deployment, CachedForm.DeploymentEvents);
        deployments.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                cluster.DeploymentGenerations.Forget(e.Object.Metadata.Uid);
            }
        });
        cluster.DeploymentCache = deployments.Cache;
        var services = Owned(cluster.Services, queue, EventFilters.WhenChanged<V1Service, bool>(_ => true), eventInfo: CachedForm.ServiceEvents);
        cluster.ServiceCache = services.Cache;
        IInformer[] informers = [tinyImages, jobs, configMaps, deployments, services];

        var events = new EventRecorder(cluster.Events, new EventRecorderOptions { Controller = "tinyimage.dev/operator", Instance = settings.Instance }, time, loggers.CreateLogger("TinyImage.Operator.Events"));
        using var registryToolchain = settings.Toolchain is null ? new Building.RegistryToolchainResolver(new Oci.RegistryClientOptions { Outbound = options.RegistryOutbound }, time, loggers.CreateLogger("TinyImage.Operator.Toolchain")) : null;
        var sources = settings.GitResolver is { } resolver ? new SourceRevisions(resolver, time, settings.GitPollMinimum) : null;
        Sources = sources;
        // Verification runs beside the workers, in a bounded pool fair across namespaces; a finished one re-queues its TinyImage.
        // Disposed (every verification cancelled) before the queue when the term ends.
        await using var verifications = new VerificationPool(verifier, options.VerifyConcurrency, loggers.CreateLogger("TinyImage.Operator.Verification")) { OnDone = queue.Add };
        var reconciler = new TinyImageReconciler(cluster, verifications, options, events, time, loggers.CreateLogger("TinyImage.Operator.Reconciler"), reaudit, settings.ProgressDelay, sources, settings.Toolchain ?? registryToolchain,
            busy: () => queue.Depth > options.Concurrency); // more TinyImages wait for a worker than there are workers
        WireBuildSlots(reconciler.Slots, tinyImages, jobs, queue);
        tinyImages.AddHandler(reconciler.Observe);
        tinyImages.KnownObjects = reconciler.Written; // the watch event of a status write is the write's answer: not decoded twice
        var reconcile = StartupTrace.FirstReconcile(ReconcileTelemetry.Wrap(reconciler.ReconcileAsync, time));
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
        StartupTrace.Mark("informers started");
        if (sources is not null)
        {
            // Only the leader runs this term, so only the leader polls git hosts.
            running.Add(SourcePoller.RunAsync(sources, queue.Add, key => tinyImages.Cache.Get(key) is not null, time, loggers.CreateLogger("TinyImage.Operator.Sources"), stop.Token));
        }

        // A new advisory database: one re-audit pass over every TinyImage, off the workers; the changed ones are enqueued.
        var synced = false;
        var reaudits = new System.Collections.Concurrent.ConcurrentQueue<Task>();
        void OnReplaced(TinyImage.Advisories.AdvisoryDatabase database)
        {
            if (Volatile.Read(ref synced))
            {
                reaudits.Enqueue(Task.Run(() => ReauditAsync(cluster, queue, logger, stop.Token), CancellationToken.None));
            }
        }

        var holder = verifier.Advisories;
        if (holder is not null)
        {
            holder.Replaced += OnReplaced;
        }

        try
        {
            // Reconciling starts the moment the last first list is cached (a poll would add up to its interval to startup).
            await Task.WhenAll(informers.Select(i => i.Synced)).WaitAsync(cancellationToken).ConfigureAwait(false);
            StartupTrace.Mark("caches synced");

            Volatile.Write(ref synced, true);
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
            if (holder is not null)
            {
                holder.Replaced -= OnReplaced;
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            await Task.WhenAll(reaudits).ConfigureAwait(false);
            AdvisoryGauges.Clear(reaudit);
            Queue = null;
        }
    }

    /// <summary>
    /// Re-audits every cached TinyImage against the current database (one pass at a time; a pass that waited for another
    /// audits the newest database) and enqueues those whose status no longer says what their audit says. Never pulls.
    /// </summary>
    private async Task ReauditAsync(ClusterView cluster, WorkQueue<ObjectKey> queue, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await reauditing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (verifier.Advisories?.Current is not { } database || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var changed = reaudit.ReauditAll(cluster.TinyImageCache.List(), cluster.ConfigMapCache.Get, database, time.GetUtcNow());
            Interlocked.Increment(ref reauditPasses);
            logger.LogInformation("Re-audited the serving images against advisory database {Revision}: {Changed} TinyImages to update", database.Revision, changed.Count);
            foreach (var key in changed)
            {
                queue.Add(key);
                Interlocked.Increment(ref reauditEnqueued);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never let a re-audit take the controller down: the next pass of each TinyImage audits it anyway.
            logger.LogError(e, "The advisory re-audit failed");
        }
        finally
        {
            reauditing.Release();
        }
    }

    /// <summary>
    /// Waiting builds start when a slot frees: a build Job finished or went away, or a TinyImage began waiting (its
    /// queued status reached the cache after the slot it could take freed).
    /// </summary>
    private static void WireBuildSlots(BuildSlots slots, Informer<TinyImageResource> tinyImages, Informer<V1Job> jobs, WorkQueue<ObjectKey> queue)
    {
        if (!slots.Caps.Enabled)
        {
            return;
        }

        slots.Wake = queue.Add;
        jobs.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted || (JobSummary(e.Object).Finished && !JobSummary(e.Old).Finished))
            {
                slots.WakeNext();
            }
        });
        tinyImages.AddHandler(e =>
        {
            if (e.Object.Status?.Build?.QueuedTime is not null && e.Old?.Status?.Build?.QueuedTime is null)
            {
                slots.WakeNext();
            }
        });
    }

    private Informer<T> Informer<T>(ResourceClient<T> client, TimeSpan resync, string? selector, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informerOptions = settings.Informer with { Namespaces = options.WatchNamespaces, LabelSelector = selector, ResyncPeriod = resync };
        return new Informer<T>(client, informerOptions, time, loggers.CreateLogger("TinyImage.Operator.Informer." + client.Type.Kind), transform);
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

    /// <summary>
    /// An informer for an owned kind whose relevant events wake the controller owner (a TinyImage); <paramref name="eventInfo"/>
    /// reads its watch events without what <paramref name="transform"/> drops (<see cref="CachedForm"/>).
    /// </summary>
    private Informer<T> Owned<T>(ResourceClient<T> client, WorkQueue<ObjectKey> queue, Func<InformerEvent<T>, bool> relevant, Func<T, T>? transform = null, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? eventInfo = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = Informer(client, TimeSpan.Zero, TinyImageTypes.ManagedSelector, transform);
        informer.EventInfo = eventInfo;
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
