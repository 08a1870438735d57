using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Step 2, owner of the Built condition and <c>status.build</c>: ensure exactly one Kaniko Job per build hash and read
/// its outcome. The Job's name is deterministic, so a restarted or second operator adopts it. The Job carries the
/// value of the <c>tinyimage.dev/retry</c> annotation it was created under, and status records the outcome with that
/// value, so a finished build (its Job gone after its TTL or not) is never run again unless the annotation changed
/// since: a failed build until it runs under the new value; any other build (succeeded or running) when a pass first
/// sees the new value (<see cref="Reconciliation.RetryRequested"/>). A build that would exceed a cap on concurrent
/// builds (<see cref="BuildSlots"/>; null: no cap) creates nothing and waits (<c>BuildQueued</c>), oldest first.
/// </summary>
internal sealed partial class BuildReconciler(ClusterView cluster, BuildPods pods, OperatorOptions options, ILogger logger, BuildSlots? slots = null) : ISubReconciler
{
    /// <summary>
    /// The digest each TinyImage's finished build Job reported, by Job uid, until its status records it: the passes
    /// between the Job's end and the next status write (which waits while verification and rollout are quick) would
    /// otherwise list the Job's pods again each (issue 17: 2 pod lists per TinyImage on the way to Ready).
    /// </summary>
    private readonly ConcurrentDictionary<ObjectKey, (string JobUid, string Digest)> digests = new();

    /// <summary>
    /// The build Job each TinyImage had this process create, until the Job cache shows it: only for such a Job does a
    /// pass whose cache lacks it ask the API server (the cache lags behind our own create). Any other Job the cache does
    /// not show is absent or was written where the cache cannot see it (another owner, a previous leader in a hand-over):
    /// its create answers 409 and <see cref="ChildWriter"/> reads it then. A GET before every first create was one read
    /// per TinyImage on the way to Ready, nearly always a 404 (issue 17).
    /// </summary>
    private readonly ConcurrentDictionary<ObjectKey, string> created = new();

    public string Name => "build";

    /// <summary>Pod digests held, for tests.</summary>
    internal int HeldDigests => digests.Count;

    /// <summary>Created Jobs the cache has not shown yet, for tests.</summary>
    internal int HeldCreatedJobs => created.Count;

    /// <summary>
    /// The informer shows the TinyImage's status: a digest it records (or a TinyImage that is gone, <paramref name="stored"/>
    /// null) needs no memory of its own.
    /// </summary>
    public void Observe(ObjectKey key, BuildStatus? stored, bool gone)
    {
        if (gone || (stored?.Digest is { } digest && digests.TryGetValue(key, out var held) && held.Digest == digest))
        {
            digests.TryRemove(key, out _);
        }

        if (gone)
        {
            created.TryRemove(key, out _);
        }
    }

    public string Phase => Phases.Building;

    public async Task<StepResult> ReconcileAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step(Name);
        var hash = run.Hash ?? throw new InvalidOperationException("the inputs step sets the hash");
        var name = ChildMetadata.BuildName(run.Name, hash);
        var queued = run.Status.Build?.QueuedTime;
        if (run.Status.Build?.SpecHash != hash)
        {
            // A waiting build whose spec changed keeps its place in line: it still waits for a slot.
            run.Status.Build = BuildRecords.NewBuild(run, hash, name);
            run.Status.Build.QueuedTime = queued;
        }
        else
        {
            // A build recorded by an earlier release keeps its hash; from now on its inputs say when it is out of date.
            run.Status.Build.Inputs ??= run.Plan?.Inputs;
        }

        var key = new ObjectKey(run.Namespace, run.Name);
        var job = cluster.JobCache.Get(run.Namespace, name);
        if (job is null)
        {
            if (Recorded(run) is { } recorded)
            {
                run.Status.Build.QueuedTime = null;
                return recorded;
            }

            if (created.TryGetValue(key, out var pending) && pending == name)
            {
                // Created by an earlier pass of this process and not yet in the cache: ask rather than create it again.
                job = await cluster.Jobs.GetAsync(run.Namespace, name, cancellationToken).ConfigureAwait(false);
                if (job is null)
                {
                    created.TryRemove(KeyValuePair.Create(key, name)); // deleted before the cache saw it: build it again
                }
            }
        }
        else
        {
            created.TryRemove(KeyValuePair.Create(key, name));
        }

        if (job is null)
        {
            return await StartAsync(run, hash, name, cancellationToken).ConfigureAwait(false);
        }

        // Its Job exists (created by this pass's predecessor, or adopted): it waits for no slot.
        run.Status.Build.QueuedTime = null;
        return run.IsOursOrAbsent(job)
            ? await FollowAsync(run, job, cancellationToken).ConfigureAwait(false)
            : run.ChildInTheWay("Job", name);
    }

    /// <summary>
    /// A stopped pass keeps the last build facts: an inputs problem says nothing new about the build. Only a build that
    /// waited for a slot leaves the line (it cannot start while its inputs are wrong, and must not hold up others).
    /// </summary>
    public void Skip(Reconciliation run)
    {
        if (run.Status.Build is { QueuedTime: not null } build)
        {
            build.QueuedTime = null;
        }
    }

    /// <summary>The outcome status recorded for a Job that is gone: a success, or a failure no retry was asked for since.</summary>
    private static StepResult? Recorded(Reconciliation run)
    {
        var build = run.Status.Build!;
        if (run.RetryRequested && build.Retry != run.Retry && build.CompletionTime is not null)
        {
            // The retry annotation re-runs any build, a succeeded one too: its outcome no longer stands.
            BuildRecords.Rerun(build);
            return null;
        }

        if (build.Digest is not null)
        {
            return Succeeded(run, build.Digest);
        }

        return build is { CompletionTime: not null, FailureReason: { } reason } && build.Retry == run.Retry
            ? Failed(run, reason, build.FailureMessage ?? "the build failed")
            : null;
    }

    private async Task<StepResult> FollowAsync(Reconciliation run, V1Job job, CancellationToken cancellationToken)
    {
        var build = run.Status.Build!;
        if (job.Metadata.DeletionTimestamp is not null)
        {
            // A finished Job going away (the TTL controller's foreground deletion, a person) changes nothing: status
            // recorded its outcome. Only a Job deleted for a retry, or one whose outcome was never seen, is waited for.
            return Finished(job).Finished && Recorded(run) is { } recorded
                ? recorded
                : Running(run, null, "waiting for the previous build Job " + job.Metadata.Name + " to be deleted");
        }

        var jobRetry = job.Metadata.Annotations?.TryGetValue(Annotations.Retry, out var value) == true ? value : null;
        var (finished, failed, failure) = Finished(job);
        var trouble = finished ? null : await pods.DiagnoseAsync(job, cancellationToken).ConfigureAwait(false);
        if ((failed || trouble is { Permanent: true } || run.RetryRequested) && jobRetry != run.Retry)
        {
            logger.LogInformation("Retrying build {Namespace}/{Job}: retry annotation changed", run.Namespace, job.Metadata.Name);
            BuildRecords.Rerun(build);
            await cluster.Jobs.DeleteAsync(run.Namespace, job.Metadata.Name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
            return Running(run, null, "retrying: the previous build Job is being deleted");
        }

        // Everything about the build comes from this Job: a status written for an earlier Job of the same hash
        // (before a retry) must not leak into it.
        build.JobName = job.Metadata.Name;
        build.StartTime = job.Status?.StartTime ?? job.Metadata.CreationTimestamp;
        build.Retry = jobRetry;
        build.Commit = Annotation(job, Annotations.SourceCommit) ?? build.Commit;
        build.Reason = Annotation(job, Annotations.BuildReason) ?? build.Reason;
        if (!finished)
        {
            (build.CompletionTime, build.Digest, build.LogTail, build.FailureReason, build.FailureMessage) = (null, null, null, null, null);
            return trouble switch
            {
                // Refused pods fail the build now (not at its timeout); the Job stays until a retry replaces it.
                { Permanent: true } => Failed(run, trouble.Reason, trouble.Message),
                not null => Running(run, trouble.Reason, trouble.Message),
                null => Running(run, null, "build Job " + job.Metadata.Name + " is running"),
            };
        }

        var completion = job.Status?.CompletionTime ?? failure?.LastTransitionTime;
        var sameRun = build.CompletionTime is not null && build.CompletionTime == completion;
        build.CompletionTime = completion ?? build.CompletionTime ?? run.Now.UtcDateTime;
        if (failed)
        {
            BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: false, build);
            build.Digest = null;
            if (sameRun && build.LogTail is not null && build is { FailureReason: { } seenReason, FailureMessage: { } seenMessage })
            {
                // Seen before: the pods may be gone by now (the Job controller, a TTL); what status says stands.
                return Failed(run, seenReason, seenMessage);
            }

            var jobPods = await pods.OfAsync(job, cancellationToken).ConfigureAwait(false);
            var (logTail, logError) = await pods.ReadLogTailAsync(job.Metadata.NamespaceProperty, jobPods, cancellationToken).ConfigureAwait(false);
            build.LogTail = logTail ?? "";
            var timedOut = failure?.Reason == "DeadlineExceeded";
            var why = failure?.Message ?? failure?.Reason ?? "the Kaniko container failed";
            var died = BuildDiagnosis.FromPods(jobPods);
            var message = "build Job " + job.Metadata.Name + " failed: " + why + (died is null ? "" : "; " + died.Message)
                + (logError is null ? Text.LastLine(build.LogTail) : "; the log tail could not be read: " + Text.Shorten(logError, 300));
            return Failed(run, timedOut ? Conditions.ReasonBuildTimedOut : died?.Reason ?? Conditions.ReasonBuildFailed, message);
        }

        build.LogTail = null;
        if (sameRun && build.Digest is not null)
        {
            return Succeeded(run, build.Digest);
        }

        // A finished Job's pods say the same digest at every pass: read once, until status records it.
        var key = new ObjectKey(run.Namespace, run.Name);
        var digest = digests.TryGetValue(key, out var seen) && seen.JobUid == job.Metadata.Uid
            ? seen.Digest
            : await pods.ReadDigestAsync(job, cancellationToken).ConfigureAwait(false);
        if (digest is null || !DigestPattern().IsMatch(digest))
        {
            BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: false, build);
            return Failed(run, Conditions.ReasonInvalidDigest, "build Job " + job.Metadata.Name + " succeeded but its " + KanikoJobBuilder.KanikoContainerName + " container reported no sha256 digest in its termination message" + (digest is null ? "" : " (got '" + Text.Shorten(digest, 80) + "')"));
        }

        if (!string.IsNullOrEmpty(job.Metadata.Uid))
        {
            digests[key] = (job.Metadata.Uid, digest);
        }

        build.Digest = digest;
        BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: true, build);
        return Succeeded(run, digest);
    }

    private async Task<StepResult> StartAsync(Reconciliation run, string hash, string name, CancellationToken cancellationToken)
    {
        var build = run.Status.Build!;
        (build.JobName, build.Digest, build.StartTime, build.CompletionTime, build.LogTail) = (name, null, null, null, null);
        (build.FailureReason, build.FailureMessage, build.Retry) = (null, null, run.Retry);
        if (slots?.Caps.Enabled == true)
        {
            // Waiting since it was first queued (recorded in status, so a restart keeps the order), else from now.
            var since = build.QueuedTime is { } queued ? BuildSlots.Since(queued) : Seconds(run.Now);
            var admission = slots.TryStart(new ObjectKey(run.Namespace, run.Name), name, since);
            if (!admission.Admitted)
            {
                build.QueuedTime = since.UtcDateTime;
                run.SetCondition(Conditions.Built, Conditions.Unknown, Conditions.ReasonBuildQueued, admission.Message!);
                return StepResult.Wait(Conditions.ReasonBuildQueued, admission.Message!, QueuedRecheck);
            }

            var started = false;
            try
            {
                (var result, started) = await CreateAsync(run, hash, name, cancellationToken).ConfigureAwait(false);
                if (started)
                {
                    build.QueuedTime = null;
                }

                return result;
            }
            finally
            {
                if (!started)
                {
                    // Not created (a child in the way, a conflict, an error): the slot goes back; the build keeps its place.
                    slots.Release(run.Namespace, name);
                }
            }
        }

        build.QueuedTime = null;
        return (await CreateAsync(run, hash, name, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>Writes the build's NetworkPolicy and Job; whether its Job now exists (created or adopted).</summary>
    private async Task<(StepResult Result, bool Started)> CreateAsync(Reconciliation run, string hash, string name, CancellationToken cancellationToken)
    {
        var build = run.Status.Build!;

        // The build pods' NetworkPolicy first, so no build pod of this TinyImage ever runs without it.
        if (options.BuildNetworkPolicy && await EnsureNetworkPolicyAsync(run, cancellationToken).ConfigureAwait(false) is { } blocked)
        {
            return (blocked, false);
        }

        var pinned = run.Plan?.Pinned ?? run.Valid;
        V1Job desiredJob;
        try
        {
            // The Containerfile travels in the Job's pod-template annotation (no ConfigMap of its own: issue 17).
            desiredJob = KanikoJobBuilder.BuildJob(pinned, hash, options, run.Inputs?.Commit, run.Inputs?.ResolvedRef);
        }
        catch (ContainerfileTooLargeException ex)
        {
            return (StepResult.Stop(Conditions.ReasonContainerfileTooLarge, ex.Message), false);
        }

        ImageLabels.AddTo(desiredJob, pinned, build, run.Inputs?.SourceDigest, run.Now);
        desiredJob.Metadata.Annotations ??= new Dictionary<string, string>();
        if (run.Retry is { } retry)
        {
            desiredJob.Metadata.Annotations[Annotations.Retry] = retry;
        }

        // What the build is and why it ran outlive the operator's memory: a restarted operator reads them back.
        if (build.Commit is { } commit)
        {
            desiredJob.Metadata.Annotations[Annotations.SourceCommit] = commit;
        }

        if (build.Reason is { } reason)
        {
            desiredJob.Metadata.Annotations[Annotations.BuildReason] = reason;
        }

        var job = await ChildWriter.CreateOrUpdateAsync(cluster.Jobs, cluster.JobCache, desiredJob, run.Uid, _ => true, _ => { }, cancellationToken, readCreated: false).ConfigureAwait(false);
        switch (job.Outcome)
        {
            case ApplyOutcome.Created:
                created[new ObjectKey(run.Namespace, run.Name)] = name;
                // Debug: the "is now Building" line and the Building Event say it (one Information line per state change, issue 17).
                logger.LogDebug("Started build {Namespace}/{Job}", run.Namespace, name);
                OperatorMetrics.BuildsStarted.Add(1);
                return (Running(run, null, "build Job " + name + " created"), true);
            case ApplyOutcome.NotOurs:
                return (run.ChildInTheWay("Job", name), false);
            case ApplyOutcome.Conflict:
                return (StepResult.Retry, false);
            default:
                logger.LogInformation("Build {Namespace}/{Job} exists already; adopting it", run.Namespace, name);
                return (Running(run, null, "adopting build Job " + name), true);
        }
    }

    /// <summary>A waiting build is looked at again this often without an event (a missed wake costs only this delay).</summary>
    private static readonly TimeSpan QueuedRecheck = TimeSpan.FromMinutes(1);

    /// <summary>An instant to whole seconds, as status keeps it, so a pass and the status it read agree.</summary>
    private static DateTimeOffset Seconds(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static string? Annotation(V1Job job, string key) =>
        job.Metadata.Annotations?.TryGetValue(key, out var value) == true ? value : null;

    /// <summary>
    /// Creates or corrects the NetworkPolicy <c>NAME-build</c>; null when it is in place. Not watched (one read per build
    /// start): a policy under that name the TinyImage does not control stops the build, as any child in the way does.
    /// </summary>
    private async Task<StepResult?> EnsureNetworkPolicyAsync(Reconciliation run, CancellationToken cancellationToken)
    {
        var desired = BuildNetworkPolicyBuilder.Build(run.Valid, options);
        var written = await ChildWriter.CreateOrUpdateAsync(
            cluster.NetworkPolicies,
            new ResourceCache<V1NetworkPolicy>(),
            desired,
            run.Uid,
            actual => SameSpec(desired.Spec, actual.Spec),
            actual => actual.Spec = desired.Spec,
            cancellationToken,
            readCreated: false).ConfigureAwait(false);
        return written.Outcome switch
        {
            ApplyOutcome.NotOurs => run.ChildInTheWay("NetworkPolicy", desired.Metadata.Name),
            ApplyOutcome.Conflict => StepResult.Retry,
            _ => null,
        };
    }

    private static bool SameSpec(V1NetworkPolicySpec desired, V1NetworkPolicySpec? actual) =>
        actual is not null
        && System.Text.Json.JsonSerializer.Serialize(desired, KubeJsonContext.Default.V1NetworkPolicySpec)
            == System.Text.Json.JsonSerializer.Serialize(actual, KubeJsonContext.Default.V1NetworkPolicySpec);

    private static StepResult Succeeded(Reconciliation run, string digest)
    {
        run.BuiltDigest = digest;
        run.SetCondition(Conditions.Built, Conditions.True, Conditions.ReasonBuildSucceeded, "built " + digest);
        return StepResult.Continue;
    }

    private static StepResult Running(Reconciliation run, string? reason, string message)
    {
        run.SetCondition(Conditions.Built, Conditions.Unknown, reason ?? Conditions.ReasonBuilding, message);

        // A running build is looked at again without an event: a refused or stuck pod changes no Job.
        return StepResult.Wait(reason ?? Conditions.ReasonBuilding, message, StepResult.Recheck);
    }

    private static StepResult Failed(Reconciliation run, string reason, string message)
    {
        var build = run.Status.Build!;
        (build.FailureReason, build.FailureMessage) = (reason, message);
        run.SetCondition(Conditions.Built, Conditions.False, reason, message);
        return StepResult.Fail(reason, message);
    }

    /// <summary>Whether the Job finished, whether it failed, and its Failed condition.</summary>
    private static (bool Finished, bool Failed, V1JobCondition? Failure) Finished(V1Job job)
    {
        var conditions = job.Status?.Conditions ?? [];
        var failure = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        if (failure is not null)
        {
            return (true, true, failure);
        }

        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True");
        return (complete, false, null);
    }

    [GeneratedRegex("^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
