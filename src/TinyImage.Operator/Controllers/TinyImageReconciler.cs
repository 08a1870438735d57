using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Level-triggered and idempotent: each pass looks at the TinyImage and its children as they are and moves them one
/// step towards the spec. The steps live in small classes; this class only orders them.
/// </summary>
internal sealed class TinyImageReconciler
{
    private readonly ClusterView cluster;
    private readonly OperatorOptions options;
    private readonly TimeProvider time;
    private readonly EventRecorder events;
    private readonly ILogger logger;
    private readonly InputsStep inputs;
    private readonly BuildStep builds;
    private readonly VerifyStep verification;
    private readonly DeployStep deploys;
    private readonly HistoryCleaner history;
    private readonly StatusWriter statusWriter;
    private readonly WrittenObjects written = new();

    public TinyImageReconciler(ClusterView cluster, IImageVerifier verifier, OperatorOptions options, EventRecorder events, TimeProvider time, ILogger logger)
    {
        this.cluster = cluster;
        this.options = options;
        this.time = time;
        this.events = events;
        this.logger = logger;
        inputs = new InputsStep(cluster);
        builds = new BuildStep(cluster, options, logger);
        verification = new VerifyStep(cluster, verifier, logger);
        deploys = new DeployStep(cluster, options, logger);
        history = new HistoryCleaner(cluster, options, logger);
        statusWriter = new StatusWriter(cluster);
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        // 1. Load from the cache (or our own newer write the cache has not seen yet). Gone or going: owner
        //    references let the garbage collector remove the children.
        var tinyImage = written.Newest(key, cluster.TinyImageCache.Get(key));
        if (tinyImage is null || tinyImage.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        using var scope = logger.BeginScope("{Namespace}/{Name}", key.Namespace, key.Name);
        var pass = new ReconcilePass(tinyImage, time.GetUtcNow());

        // 2. Validate the spec; find the source and the Secrets.
        var (found, problem) = await inputs.ResolveAsync(pass, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            StatusComposer.Stalled(pass, problem, deploys.Observe(pass));
            return await FinishAsync(pass, problem.RequeueAfter, cancellationToken).ConfigureAwait(false);
        }

        // 3 + 4. Ensure the build of the current hash and read its outcome.
        var hash = BuildHash.Compute(tinyImage.Spec, options, found!.SourceDigest);
        var build = await builds.EnsureAsync(pass, hash, cancellationToken).ConfigureAwait(false);
        if (build.State == BuildState.Conflict)
        {
            return ReconcileResult.Backoff;
        }

        if (build.Blocked is { } buildBlocked)
        {
            return await StallAsync(pass, buildBlocked, cancellationToken).ConfigureAwait(false);
        }

        // 5. Verify the built digest (never deploy a refused one).
        var verify = build.State == BuildState.Succeeded
            ? await verification.EnsureAsync(pass, hash, build.Digest!, found, cancellationToken).ConfigureAwait(false)
            : null;
        if (verify?.State == VerifyState.Conflict)
        {
            return ReconcileResult.Backoff;
        }

        if (verify?.Blocked is { } verifyBlocked)
        {
            return await StallAsync(pass, verifyBlocked, cancellationToken).ConfigureAwait(false);
        }

        // 6. Ensure the Deployment of the verified image and the Service.
        var deploy = await deploys.EnsureAsync(pass, hash, cancellationToken).ConfigureAwait(false);
        if (deploy.Conflict)
        {
            return ReconcileResult.Backoff;
        }

        if (deploy.Blocked is { } blocked)
        {
            StatusComposer.Stalled(pass, blocked, deploy);
            return await FinishAsync(pass, blocked.RequeueAfter, cancellationToken).ConfigureAwait(false);
        }

        await history.CleanAsync(pass, ChildMetadata.BuildName(pass.Name, hash), cancellationToken).ConfigureAwait(false);

        // 7. Compose and write the status once.
        StatusComposer.Compose(pass, build, verify, deploy);
        var requeue = verify?.State switch
        {
            VerifyState.Announce => TimeSpan.Zero,
            VerifyState.Unavailable => InputsStep.MissingInputRecheck,
            _ => (TimeSpan?)null,
        };

        // A running build is looked at again without an event: a refused or stuck pod changes no Job.
        requeue ??= build.State == BuildState.Running ? InputsStep.MissingInputRecheck : null;
        return await FinishAsync(pass, requeue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A child's name is taken by an object this TinyImage does not control: say which, write nothing to it.</summary>
    private Task<ReconcileResult> StallAsync(ReconcilePass pass, StepProblem problem, CancellationToken cancellationToken)
    {
        logger.LogWarning("{Namespace}/{Name} is blocked: {Reason}: {Message}", pass.Namespace, pass.Name, problem.Reason, problem.Message);
        StatusComposer.Stalled(pass, problem, deploys.Observe(pass));
        return FinishAsync(pass, problem.RequeueAfter, cancellationToken);
    }

    private async Task<ReconcileResult> FinishAsync(ReconcilePass pass, TimeSpan? requeueAfter, CancellationToken cancellationToken)
    {
        var before = pass.TinyImage.Status?.Phase;
        var result = await statusWriter.WriteIfChangedAsync(pass, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.Conflict)
        {
            return ReconcileResult.Backoff;
        }

        if (result.Value is { } stored)
        {
            written.Remember(pass.TinyImage, stored);
        }

        if (result.IsOk && before != pass.Status.Phase)
        {
            await RecordPhaseAsync(pass, cancellationToken).ConfigureAwait(false);
        }

        return requeueAfter is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    private Task RecordPhaseAsync(ReconcilePass pass, CancellationToken cancellationToken)
    {
        var phase = pass.Status.Phase!;
        var cause = phase == Phases.Failed
            ? ConditionSet.Find(pass.Status.Conditions, Conditions.Stalled)
            : ConditionSet.Find(pass.Status.Conditions, phase == Phases.Ready ? Conditions.Ready : Conditions.Reconciling);
        logger.LogInformation("{Namespace}/{Name} is now {Phase}: {Reason}", pass.Namespace, pass.Name, phase, cause?.Reason);
        var regarding = new k8s.Models.V1ObjectReference
        {
            ApiVersion = TinyImageTypes.TinyImages.ApiVersion,
            Kind = TinyImageTypes.TinyImages.Kind,
            Name = pass.Name,
            NamespaceProperty = pass.Namespace,
            Uid = pass.TinyImage.Metadata.Uid,
            ResourceVersion = pass.TinyImage.Metadata.ResourceVersion,
        };
        var type = phase == Phases.Failed ? EventRecorder.Warning : EventRecorder.Normal;
        return events.RecordAsync(regarding, type, cause?.Reason ?? phase, phase, cause?.Message ?? phase, cancellationToken);
    }
}
