using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Verification;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// One reconciler, an ordered list of sub-reconcilers (inputs, build, verify, deploy, advisories, history), one summarize-and-patch
/// at the end of the pass (Flux's source-controller). Level-triggered and idempotent: each pass looks at the TinyImage
/// and its children as they are and takes every step it can; no step waits for a phase an earlier pass wrote. Status
/// is written once at the end, only when it changed; the write of a Verifying or Deploying phase that has just begun
/// waits (<see cref="ProgressWrites"/>), so a quick verification and rollout are reported by the Ready write alone. Events mark what a person acts on: a build started, Ready, and
/// failures.
/// </summary>
internal sealed class TinyImageReconciler
{
    private readonly ClusterView cluster;
    private readonly TimeProvider time;
    private readonly EventRecorder events;
    private readonly ILogger logger;
    private readonly DeployReconciler deploy;
    private readonly BuildReconciler build;
    private readonly AdvisoryReaudit reaudit;
    private readonly IReadOnlyList<ISubReconciler> steps;
    private readonly RecentWrites<TinyImageResource> written = new();
    private readonly ProgressWrites progress;
    private readonly Api.ValidatedSpecs validated = new();
    private readonly BuildPlanner planner;

    private readonly IVerificationRunner verifier;

    public TinyImageReconciler(ClusterView cluster, IVerificationRunner verifier, OperatorOptions options, EventRecorder events, TimeProvider time, ILogger logger, AdvisoryReaudit reaudit, TimeSpan progressDelay, Sources.SourceRevisions? sources = null, IToolchainResolver? toolchain = null, Func<bool>? busy = null)
    {
        this.verifier = verifier;
        this.reaudit = reaudit;
        this.cluster = cluster;
        this.time = time;
        this.events = events;
        this.logger = logger;
        progress = new ProgressWrites(progressDelay, busy);
        deploy = new DeployReconciler(cluster, options, logger);
        Slots = new BuildSlots(new BuildCaps(options.MaxConcurrentBuilds, options.MaxConcurrentBuildsPerNamespace), cluster, time);
        steps =
        [
            new InputsReconciler(cluster, options, sources, planner = new BuildPlanner(toolchain ?? UnavailableToolchainResolver.Instance, options, logger), validated, logger: logger),
            build = new BuildReconciler(cluster, new BuildPods(cluster, logger), options, logger, Slots),
            new VerifyReconciler(cluster, verifier, logger, this.reaudit.Store),
            deploy,
            new AdvisoryReconciler(cluster, this.reaudit),
            new HistoryReconciler(cluster, options, logger),
        ];
    }

    /// <summary>The caps on concurrent builds; the controller wakes waiting builds through it.</summary>
    public BuildSlots Slots { get; }

    /// <summary>
    /// This reconciler's written copy of a TinyImage at <paramref name="resourceVersion"/>, or null: the TinyImage informer
    /// takes it for the watch event of its own status write instead of decoding the same object again (issue 17).
    /// </summary>
    public TinyImageResource? Written(ObjectKey key, string resourceVersion) => written.Written(key, resourceVersion);

    /// <summary>The cached TinyImage when the cache holds it at <paramref name="resourceVersion"/>, else null.</summary>
    private TinyImageResource? CachedAt(ObjectKey key, string resourceVersion) =>
        cluster.TinyImageCache.Get(key) is { } cached && cached.Metadata.ResourceVersion == resourceVersion ? cached : null;

    /// <summary>TinyImages whose inputs digest the planner remembers; for tests.</summary>
    internal int RememberedInputs => planner.RememberedInputs;

    /// <summary>The status writes of this reconciler not yet seen by the cache; for tests.</summary>
    internal int UnseenWrites => written.Count;

    /// <summary>
    /// Every TinyImage informer event: a written copy is dropped once the cache shows a newer version, so the operator
    /// keeps one copy of each TinyImage, not two (issue 17).
    /// </summary>
    public void Observe(InformerEvent<TinyImageResource> informerEvent)
    {
        var gone = informerEvent.Type == InformerEventType.Deleted;
        if (gone)
        {
            written.Forget(ObjectKey.Of(informerEvent.Object));
            validated.Forget(informerEvent.Object.Metadata.Uid);
            planner.Forget(informerEvent.Object.Metadata.Uid);
        }
        else
        {
            written.Seen(informerEvent.Object);
        }

        build.Observe(ObjectKey.Of(informerEvent.Object), informerEvent.Object.Status?.Build, gone);
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        // Load from the cache (or our own newer write the cache has not seen yet). Gone or going: owner references
        // let the garbage collector remove the children.
        var tinyImage = written.Newest(key, cluster.TinyImageCache.Get(key));
        if (tinyImage is null || tinyImage.Metadata.DeletionTimestamp is not null)
        {
            reaudit.Forget(key);
            Telemetry.AdvisoryGauges.Remove(key);
            verifier.Forget(key);
            progress.Forget(key);
            build.Observe(key, null, gone: true);
            return ReconcileResult.Done;
        }

        using var scope = logger.BeginScope("{Namespace}/{Name}", key.Namespace, key.Name);
        var run = new Reconciliation(tinyImage, time.GetUtcNow());
        var patcher = new StatusPatcher(cluster.TinyImages, written, tinyImage, cached: CachedAt);
        var outcomes = new List<StepOutcome>(steps.Count);
        TimeSpan? requeue = null;
        foreach (var step in steps)
        {
            if (outcomes.Count > 0 && outcomes[^1].Result.EndsPass)
            {
                step.Skip(run);
                continue;
            }

            var result = await step.ReconcileAsync(run, cancellationToken).ConfigureAwait(false);
            if (result.Action == StepAction.Retry)
            {
                return ReconcileResult.Backoff;
            }

            if (result.Action == StepAction.Stop)
            {
                logger.LogWarning("{Namespace}/{Name} is stopped at {Step}: {Reason}: {Message}", run.Namespace, run.Name, step.Name, result.Reason, result.Message);
            }

            outcomes.Add(new StepOutcome(step.Phase, result));
            requeue = result.RequeueAfter is { } after && (requeue is null || after < requeue) ? after : requeue;
        }

        StatusSummary.Apply(run.Status, outcomes, run.Workload, run.Generation, run.Now);
        run.Status.LastHandledRetry = run.Retry;
        if (progress.Defer(key, patcher.Current.Status, run.Status, run.Generation, run.Now) is { } wait)
        {
            // A rollout that has just begun: its Ready write may follow soon; look again when it has lasted.
            requeue = requeue is { } sooner && sooner < wait ? sooner : wait;
        }
        else if (!await WriteAsync(patcher, run.Status, cancellationToken).ConfigureAwait(false))
        {
            return ReconcileResult.Backoff;
        }

        foreach (var (reason, message) in run.Warnings)
        {
            await events.RecordAsync(Regarding(patcher.Current), EventRecorder.Warning, reason, run.Status.Phase ?? Phases.Verifying, message, cancellationToken).ConfigureAwait(false);
        }

        return requeue is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    /// <summary>Writes the status when it changed, and records an Event when the phase changed to one a person acts on.</summary>
    private async Task<bool> WriteAsync(StatusPatcher patcher, TinyImageStatus status, CancellationToken cancellationToken)
    {
        var before = patcher.Current.Status?.Phase;
        if (!await patcher.WriteIfChangedAsync(status, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (before != status.Phase && status.Phase is Phases.Building or Phases.Ready or Phases.Failed)
        {
            await RecordPhaseAsync(patcher.Current, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private Task RecordPhaseAsync(TinyImageResource stored, CancellationToken cancellationToken)
    {
        var status = stored.Status!;
        var phase = status.Phase!;
        var cause = phase == Phases.Failed
            ? ConditionSet.Find(status.Conditions, Conditions.Stalled)
            : ConditionSet.Find(status.Conditions, phase == Phases.Ready ? Conditions.Ready : Conditions.Reconciling);
        logger.LogInformation("{Namespace}/{Name} is now {Phase}: {Reason}", stored.Metadata.NamespaceProperty, stored.Metadata.Name, phase, cause?.Reason);
        var type = phase == Phases.Failed ? EventRecorder.Warning : EventRecorder.Normal;
        return events.RecordAsync(Regarding(stored), type, cause?.Reason ?? phase, phase, cause?.Message ?? phase, cancellationToken);
    }

    private static k8s.Models.V1ObjectReference Regarding(TinyImageResource stored) => new()
    {
        ApiVersion = TinyImageTypes.TinyImages.ApiVersion,
        Kind = TinyImageTypes.TinyImages.Kind,
        Name = stored.Metadata.Name,
        NamespaceProperty = stored.Metadata.NamespaceProperty,
        Uid = stored.Metadata.Uid,
        ResourceVersion = stored.Metadata.ResourceVersion,
    };
}
