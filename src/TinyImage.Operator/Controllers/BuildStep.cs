using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Step 3 and 4: ensure exactly one Kaniko Job per build hash and read its outcome. The Job's name is deterministic,
/// so a restarted or second operator adopts it. A finished Job (or, after its TTL, the outcome recorded in status) is
/// never run again unless the <c>tinyimage.dev/retry</c> annotation changed since the Job was created: the Job and
/// the Containerfile ConfigMap carry the retry value they were made for.
/// </summary>
internal sealed partial class BuildStep(ClusterView cluster, OperatorOptions options, ILogger logger)
{
    /// <summary>The Containerfile ConfigMap's note of the retry value its latest Job was created for.</summary>
    public const string RetryHandled = Annotations.Retry;

    private const int LogTailLines = 20;
    private const int LogTailMaxChars = 4096;

    public async Task<BuildResult> EnsureAsync(ReconcilePass pass, string hash, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step("build");
        var name = ChildMetadata.BuildName(pass.Name, hash);
        if (pass.Status.Build?.SpecHash != hash)
        {
            pass.Status.Build = new BuildStatus { SpecHash = hash, JobName = name };
        }

        var job = cluster.JobCache.Get(pass.Namespace, name);
        if (job is not null)
        {
            return ChildOwnership.Check(pass, job, "Job") is { } foreign
                ? BuildResult.Of(foreign)
                : await FollowJobAsync(pass, job, cancellationToken).ConfigureAwait(false);
        }

        if (RecordedOutcome(pass) is { } recorded)
        {
            return recorded;
        }

        // The cache may not have seen a Job this operator (or a previous one) just created: ask before creating.
        job = await cluster.Jobs.GetAsync(pass.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (job is not null)
        {
            return ChildOwnership.Check(pass, job, "Job") is { } foreign
                ? BuildResult.Of(foreign)
                : await FollowJobAsync(pass, job, cancellationToken).ConfigureAwait(false);
        }

        return await StartAsync(pass, hash, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The outcome status remembers when the Job is gone (TTL), unless a retry was asked for since.</summary>
    private BuildResult? RecordedOutcome(ReconcilePass pass)
    {
        var build = pass.Status.Build!;
        if (build.Digest is not null)
        {
            return new BuildResult(BuildState.Succeeded, build.Digest, "built " + build.Digest);
        }

        var built = ConditionSet.Find(pass.Status.Conditions, Conditions.Built);
        if (build.CompletionTime is null || built?.Status != Conditions.False)
        {
            return null;
        }

        var configMap = cluster.ConfigMapCache.Get(pass.Namespace, build.JobName!);
        if (Annotation(configMap, RetryHandled) != pass.Retry)
        {
            return null;
        }

        var state = built.Reason switch
        {
            Conditions.ReasonBuildTimedOut => BuildState.TimedOut,
            Conditions.ReasonInvalidDigest => BuildState.InvalidDigest,
            _ => BuildState.Failed,
        };
        return new BuildResult(state, null, built.Message ?? "the build failed", Reason: built.Reason);
    }

    private async Task<BuildResult> FollowJobAsync(ReconcilePass pass, V1Job job, CancellationToken cancellationToken)
    {
        var build = pass.Status.Build!;
        if (job.Metadata.DeletionTimestamp is not null)
        {
            // A finished Job going away (the TTL controller's foreground deletion, a person) changes nothing: status
            // recorded its outcome. Only a Job deleted for a retry, or one whose outcome was never seen, is waited for.
            if (Finished(job).Finished && RecordedOutcome(pass) is { } recorded)
            {
                return recorded;
            }

            return new BuildResult(BuildState.Running, null, "waiting for the previous build Job " + job.Metadata.Name + " to be deleted");
        }

        var jobRetry = Annotation(job, RetryHandled);
        var (finished, failed, failure) = Finished(job);
        var trouble = finished ? null : await DiagnoseAsync(job, cancellationToken).ConfigureAwait(false);
        if ((failed || trouble is { Permanent: true }) && jobRetry != pass.Retry)
        {
            logger.LogInformation("Retrying build {Namespace}/{Job}: retry annotation changed", pass.Namespace, job.Metadata.Name);
            await cluster.Jobs.DeleteAsync(pass.Namespace, job.Metadata.Name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
            return new BuildResult(BuildState.Running, null, "retrying: the previous build Job is being deleted");
        }

        var configMap = cluster.ConfigMapCache.Get(pass.Namespace, job.Metadata.Name);
        if (ChildOwnership.Check(pass, configMap, "ConfigMap") is { } foreignConfigMap)
        {
            return BuildResult.Of(foreignConfigMap);
        }

        if (configMap is not null && Annotation(configMap, RetryHandled) != jobRetry
            && !await AnnotateAsync(configMap, RetryHandled, jobRetry, cancellationToken).ConfigureAwait(false))
        {
            return new BuildResult(BuildState.Conflict, null, "ConfigMap changed meanwhile");
        }

        // Everything about the build comes from this Job: a status written for an earlier Job of the same hash
        // (before a retry) must not leak into it.
        build.JobName = job.Metadata.Name;
        build.StartTime = job.Status?.StartTime ?? job.Metadata.CreationTimestamp;
        if (!finished)
        {
            (build.CompletionTime, build.Digest, build.LogTail) = (null, null, null);
            return trouble switch
            {
                // Refused pods fail the build now (not at its timeout); the Job stays until a retry replaces it.
                { Permanent: true } => new BuildResult(BuildState.Failed, null, trouble.Message, Reason: trouble.Reason),
                not null => new BuildResult(BuildState.Running, null, trouble.Message, Reason: trouble.Reason),
                null => new BuildResult(BuildState.Running, null, "build Job " + job.Metadata.Name + " is running"),
            };
        }

        var completion = job.Status?.CompletionTime ?? failure?.LastTransitionTime;
        var sameRun = build.CompletionTime is not null && build.CompletionTime == completion;
        build.CompletionTime = completion ?? build.CompletionTime ?? pass.Now.UtcDateTime;
        if (failed)
        {
            BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: false, build);
            build.Digest = null;
            var built = ConditionSet.Find(pass.Status.Conditions, Conditions.Built);
            if (sameRun && build.LogTail is not null && built is { Status: Conditions.False, Message: { } recorded })
            {
                // Seen before: the pods may be gone by now (the Job controller, a TTL); what status says stands.
                return new BuildResult(built.Reason == Conditions.ReasonBuildTimedOut ? BuildState.TimedOut : BuildState.Failed, null, recorded, Reason: built.Reason);
            }

            var pods = await PodsOfAsync(job, cancellationToken).ConfigureAwait(false);
            var (logTail, logError) = await ReadLogTailAsync(job.Metadata.NamespaceProperty, pods, cancellationToken).ConfigureAwait(false);
            build.LogTail = logTail ?? "";
            var timedOut = failure?.Reason == "DeadlineExceeded";
            var why = failure?.Message ?? failure?.Reason ?? "the Kaniko container failed";
            var died = BuildDiagnosis.FromPods(pods);
            return new BuildResult(
                timedOut ? BuildState.TimedOut : BuildState.Failed,
                null,
                "build Job " + job.Metadata.Name + " failed: " + why + (died is null ? "" : "; " + died.Message)
                    + (logError is null ? LastLine(build.LogTail) : "; the log tail could not be read: " + Shorten(logError, 300)),
                Reason: timedOut ? null : died?.Reason);
        }

        build.LogTail = null;
        if (sameRun && build.Digest is not null)
        {
            return new BuildResult(BuildState.Succeeded, build.Digest, "built " + build.Digest);
        }

        var digest = await ReadDigestAsync(job, cancellationToken).ConfigureAwait(false);
        if (digest is null || !DigestPattern().IsMatch(digest))
        {
            BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: false, build);
            return new BuildResult(BuildState.InvalidDigest, null, "build Job " + job.Metadata.Name + " succeeded but its " + KanikoJobBuilder.KanikoContainerName + " container reported no sha256 digest in its termination message" + (digest is null ? "" : " (got '" + Shorten(digest, 80) + "')"));
        }

        build.Digest = digest;
        BuildTelemetry.Finished(firstSeen: !sameRun, succeeded: true, build);
        return new BuildResult(BuildState.Succeeded, digest, "built " + digest);
    }

    private async Task<BuildResult> StartAsync(ReconcilePass pass, string hash, string name, CancellationToken cancellationToken)
    {
        var build = pass.Status.Build!;
        build.JobName = name;
        build.Digest = null;
        build.StartTime = null;
        build.CompletionTime = null;
        build.LogTail = null;

        var existingConfigMap = cluster.ConfigMapCache.Get(pass.Namespace, name);
        var desiredConfigMap = KanikoJobBuilder.BuildContainerfileConfigMap(pass.TinyImage, hash, options);
        if (existingConfigMap is null)
        {
            SetAnnotation(desiredConfigMap.Metadata, RetryHandled, pass.Retry);
            var created = await cluster.ConfigMaps.CreateAsync(desiredConfigMap, cancellationToken).ConfigureAwait(false);
            if (created.Outcome == WriteOutcome.AlreadyExists)
            {
                // Ours, and the cache lags; or the name is taken by an object we do not control.
                existingConfigMap = await cluster.ConfigMaps.GetAsync(pass.Namespace, name, cancellationToken).ConfigureAwait(false);
                if (existingConfigMap is null)
                {
                    return new BuildResult(BuildState.Conflict, null, "ConfigMap " + name + " went away meanwhile");
                }
            }
            else if (created.Outcome != WriteOutcome.Ok)
            {
                return new BuildResult(BuildState.Conflict, null, "could not create ConfigMap " + name + ": " + created.Outcome);
            }
        }

        if (ChildOwnership.Check(pass, existingConfigMap, "ConfigMap") is { } foreign)
        {
            return BuildResult.Of(foreign);
        }

        if (existingConfigMap is not null && !SameData(desiredConfigMap.Data, existingConfigMap.Data))
        {
            var updated = ObjectCopy.Clone(existingConfigMap, ResourceTypes.ConfigMaps.ItemInfo);
            updated.Data = desiredConfigMap.Data;
            if (!(await cluster.ConfigMaps.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false)).IsOk)
            {
                return new BuildResult(BuildState.Conflict, null, "ConfigMap " + name + " changed meanwhile");
            }
        }

        var job = KanikoJobBuilder.BuildJob(pass.TinyImage, hash, options);
        SetAnnotation(job.Metadata, RetryHandled, pass.Retry);
        var result = await cluster.Jobs.CreateAsync(job, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case WriteOutcome.Ok:
                logger.LogInformation("Started build {Namespace}/{Job}", pass.Namespace, name);
                OperatorMetrics.BuildsStarted.Add(1);
                break;
            case WriteOutcome.AlreadyExists:
                var existing = await cluster.Jobs.GetAsync(pass.Namespace, name, cancellationToken).ConfigureAwait(false);
                if (ChildOwnership.Check(pass, existing, "Job") is { } foreignJob)
                {
                    return BuildResult.Of(foreignJob);
                }

                logger.LogInformation("Build {Namespace}/{Job} exists already; adopting it", pass.Namespace, name);
                return new BuildResult(BuildState.Running, null, "adopting build Job " + name);
            default:
                return new BuildResult(BuildState.Conflict, null, "could not create Job " + name + ": " + result.Outcome);
        }

        // The Job exists for this retry value; only now does the ConfigMap say so (see RecordedOutcome).
        if (existingConfigMap is not null && Annotation(existingConfigMap, RetryHandled) != pass.Retry)
        {
            var current = await cluster.ConfigMaps.GetAsync(pass.Namespace, name, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                await AnnotateAsync(current, RetryHandled, pass.Retry, cancellationToken).ConfigureAwait(false);
            }
        }

        return new BuildResult(BuildState.Running, null, "build Job " + name + " created");
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

    /// <summary>
    /// The Job's pods, newest first, found by the Job's uid (the <c>controller-uid</c> label the Job controller sets),
    /// never by name: a Job deleted and created again under the same name has other pods.
    /// </summary>
    private async Task<IReadOnlyList<V1Pod>> PodsOfAsync(V1Job job, CancellationToken cancellationToken)
    {
        var uid = job.Metadata.Uid;
        if (string.IsNullOrEmpty(uid))
        {
            return [];
        }

        foreach (var label in (string[])["batch.kubernetes.io/controller-uid", "controller-uid"])
        {
            var pods = await cluster.Pods.ListAsync(job.Metadata.NamespaceProperty, new ListOptions(label + "=" + uid), cancellationToken).ConfigureAwait(false);
            if (pods.Items.Count > 0)
            {
                return [.. pods.Items.OrderByDescending(p => p.Metadata.CreationTimestamp)];
            }
        }

        return [];
    }

    private async Task<string?> ReadDigestAsync(V1Job job, CancellationToken cancellationToken)
    {
        foreach (var pod in await PodsOfAsync(job, cancellationToken).ConfigureAwait(false))
        {
            var terminated = pod.Status?.ContainerStatuses?
                .FirstOrDefault(c => c.Name == KanikoJobBuilder.KanikoContainerName)?.State?.Terminated;
            if (terminated is { ExitCode: 0 } && terminated.Message is { } message)
            {
                return message.Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// Why a running build makes no progress, if Kubernetes says: its pods' status, or, while it has no pod, the Job
    /// controller's FailedCreate Events about it.
    /// </summary>
    private async Task<BuildTrouble?> DiagnoseAsync(V1Job job, CancellationToken cancellationToken)
    {
        var pods = await PodsOfAsync(job, cancellationToken).ConfigureAwait(false);
        if (pods.Count > 0)
        {
            return BuildDiagnosis.FromPods(pods);
        }

        if (string.IsNullOrEmpty(job.Metadata.Uid))
        {
            return null;
        }

        var selector = "involvedObject.uid=" + job.Metadata.Uid + ",reason=" + BuildDiagnosis.FailedCreate;
        try
        {
            var events = await cluster.CoreEvents.ListAsync(job.Metadata.NamespaceProperty, new ListOptions(FieldSelector: selector), cancellationToken).ConfigureAwait(false);
            return BuildDiagnosis.FromEvents(events.Items, job.Metadata.Name);
        }
        catch (Exception exception) when (KubeErrors.IsRetryable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The diagnosis is a help, not a step: a refused or failed read of Events says so and the build goes on.
            logger.LogWarning(exception, "Could not read the Events of build Job {Namespace}/{Job}", job.Metadata.NamespaceProperty, job.Metadata.Name);
            return new BuildTrouble(Conditions.ReasonBuilding, "build Job " + job.Metadata.Name + " has no pod yet, and its Events could not be read: " + Shorten(exception.Message, 300), Permanent: false);
        }
    }

    /// <summary>
    /// The last lines of the newest build pod's Kaniko log that has any. A log that cannot be read (pods/log refused by
    /// RBAC, the kubelet unreachable, a garbled answer) is the second value, for the message: the failure is reported
    /// without its log, never withheld.
    /// </summary>
    private async Task<(string? Tail, string? Error)> ReadLogTailAsync(string @namespace, IReadOnlyList<V1Pod> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            string? log;
            try
            {
                log = await cluster.Pods.GetSubresourceTextAsync(
                    @namespace,
                    pod.Metadata.Name,
                    "log",
                    [new("container", KanikoJobBuilder.KanikoContainerName), new("tailLines", LogTailLines.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (KubeErrors.IsRetryable(exception) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not read the log of build pod {Namespace}/{Pod}", @namespace, pod.Metadata.Name);
                return (null, exception.Message);
            }

            if (!string.IsNullOrWhiteSpace(log))
            {
                var lines = log.TrimEnd().Split('\n');
                var tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - LogTailLines)));
                return (tail.Length <= LogTailMaxChars ? tail : tail[^LogTailMaxChars..], null);
            }
        }

        return (null, null);
    }

    private async Task<bool> AnnotateAsync(V1ConfigMap configMap, string key, string? value, CancellationToken cancellationToken)
    {
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["resourceVersion"] = configMap.Metadata.ResourceVersion,
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { [key] = value },
            },
        };
        var result = await cluster.ConfigMaps.PatchAsync(configMap.Metadata.NamespaceProperty, configMap.Metadata.Name, PatchType.Merge, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return result.IsOk;
    }

    private static bool SameData(IDictionary<string, string>? desired, IDictionary<string, string>? actual) =>
        (desired?.Count ?? 0) == (actual?.Count ?? 0)
        && (desired is null || desired.All(e => actual!.TryGetValue(e.Key, out var value) && value == e.Value));

    internal static string? Annotation(k8s.IKubernetesObject<V1ObjectMeta>? value, string key) =>
        value?.Metadata.Annotations?.TryGetValue(key, out var text) == true ? text : null;

    private static void SetAnnotation(V1ObjectMeta metadata, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        metadata.Annotations ??= new Dictionary<string, string>();
        metadata.Annotations[key] = value;
    }

    private static string LastLine(string? logTail)
    {
        var last = logTail?.TrimEnd().Split('\n').LastOrDefault()?.Trim();
        return string.IsNullOrEmpty(last) ? "" : " (last log line: " + Shorten(last, 200) + ")";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "...";

    [GeneratedRegex("^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
