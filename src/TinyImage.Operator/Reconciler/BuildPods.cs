using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What the build step reads about a build Job besides the Job: its pods (found by the Job's uid), the digest Kaniko
/// wrote in its termination message, the log tail of a failed build, and why a running build makes no progress.
/// </summary>
internal sealed class BuildPods(ClusterView cluster, ILogger logger)
{
    private const int LogTailLines = 20;
    private const int LogTailMaxChars = 4096;

    /// <summary>
    /// The most log bytes asked of the kubelet (<c>limitBytes</c>): twenty lines can be megabytes long, and the operator holds
    /// the answer in memory. The kubelet applies it after <c>tailLines</c>, so the first bytes of the tail come back.
    /// </summary>
    private const int LogLimitBytes = 16 * 1024;

    /// <summary>
    /// The Job's pods, newest first, found by the Job's uid (the <c>controller-uid</c> label the Job controller sets),
    /// never by name: a Job deleted and created again under the same name has other pods.
    /// </summary>
    public async Task<IReadOnlyList<ObservedPod>> OfAsync(V1Job job, CancellationToken cancellationToken)
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

    /// <summary>The termination message of the Kaniko container of a pod that exited 0 (the pushed digest), or null.</summary>
    public async Task<string?> ReadDigestAsync(V1Job job, CancellationToken cancellationToken)
    {
        foreach (var pod in await OfAsync(job, cancellationToken).ConfigureAwait(false))
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
    public async Task<BuildTrouble?> DiagnoseAsync(V1Job job, CancellationToken cancellationToken)
    {
        var pods = await OfAsync(job, cancellationToken).ConfigureAwait(false);
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
            return new BuildTrouble(Conditions.ReasonBuilding, "build Job " + job.Metadata.Name + " has no pod yet, and its Events could not be read: " + Text.Shorten(exception.Message, 300), Permanent: false);
        }
    }

    /// <summary>
    /// The last lines of the newest build pod's Kaniko log that has any. A log that cannot be read (pods/log refused by
    /// RBAC, the kubelet unreachable, a garbled answer) is the second value, for the message: the failure is reported
    /// without its log, never withheld.
    /// </summary>
    public async Task<(string? Tail, string? Error)> ReadLogTailAsync(string @namespace, IReadOnlyList<ObservedPod> pods, CancellationToken cancellationToken)
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
                    [
                        new("container", KanikoJobBuilder.KanikoContainerName),
                        new("tailLines", LogTailLines.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        new("limitBytes", LogLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ],
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
}
