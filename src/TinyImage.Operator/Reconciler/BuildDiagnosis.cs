using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Reads what Kubernetes says about a build: the Job controller's <c>FailedCreate</c> Warning Events (pods refused by
/// Pod Security admission, a missing service account, a ResourceQuota), and the build pod's own status (Unschedulable,
/// ImagePullBackOff/ErrImagePull, OOMKilled, Evicted). Pure: objects in, a named reason out.
/// </summary>
internal static class BuildDiagnosis
{
    public const string FailedCreate = "FailedCreate";

    private static readonly HashSet<string> PullFailures = new(StringComparer.Ordinal)
    {
        "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
    };

    /// <summary>The newest FailedCreate Event's trouble: transient for a quota, permanent for a refusal (forbidden).</summary>
    public static BuildTrouble? FromEvents(IEnumerable<Corev1Event> events, string jobName)
    {
        var latest = events
            .Where(e => e.Reason == FailedCreate && e.Type == "Warning")
            .OrderByDescending(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp)
            .FirstOrDefault();
        if (latest?.Message is not { } message)
        {
            return null;
        }

        var text = "the Job controller cannot create the pod of build Job " + jobName + ": " + message;
        if (message.Contains("exceeded quota", StringComparison.Ordinal))
        {
            return new BuildTrouble(Conditions.ReasonBuildPodQuotaExceeded, text, Permanent: false);
        }

        // Admission refusals (Pod Security, a missing service account, a policy webhook) repeat until a person acts.
        return message.Contains("forbidden", StringComparison.Ordinal)
            ? new BuildTrouble(Conditions.ReasonBuildFailed, text, Permanent: true)
            : new BuildTrouble(Conditions.ReasonBuildPodCreateFailed, text, Permanent: false);
    }

    /// <summary>The trouble the newest build pod shows, if any.</summary>
    public static BuildTrouble? FromPods(IReadOnlyList<ObservedPod> podsNewestFirst)
    {
        foreach (var pod in podsNewestFirst)
        {
            if (FromPod(pod) is { } trouble)
            {
                return trouble;
            }
        }

        return null;
    }

    private static BuildTrouble? FromPod(ObservedPod pod)
    {
        var name = pod.Metadata.Name;
        var status = pod.Status;
        if (status is null)
        {
            return null;
        }

        if (status.Reason == "Evicted")
        {
            return new BuildTrouble(Conditions.ReasonBuildEvicted, "build pod " + name + " was evicted: " + (status.Message ?? "no message"), Permanent: false);
        }

        var containers = (status.InitContainerStatuses ?? []).Concat(status.ContainerStatuses ?? []).ToList();
        foreach (var container in containers)
        {
            var terminated = container.State?.Terminated?.Reason == "OOMKilled" ? container.State.Terminated
                : container.LastState?.Terminated?.Reason == "OOMKilled" ? container.LastState.Terminated
                : null;
            if (terminated is not null)
            {
                return new BuildTrouble(
                    Conditions.ReasonBuildOOMKilled,
                    "container " + container.Name + " of build pod " + name + " was OOMKilled (exit code " + terminated.ExitCode + "): it needs a higher memory limit (spec.build.resources)" + (string.IsNullOrWhiteSpace(terminated.Message) ? "" : ": " + terminated.Message.Trim()),
                    Permanent: false);
            }
        }

        foreach (var container in containers)
        {
            if (container.State?.Waiting is { } waiting && waiting.Reason is { } reason && PullFailures.Contains(reason))
            {
                return new BuildTrouble(
                    Conditions.ReasonBuildImagePullFailed,
                    "container " + container.Name + " of build pod " + name + " cannot pull its image " + container.Image + ": " + reason + (waiting.Message is null ? "" : ": " + waiting.Message),
                    Permanent: false);
            }
        }

        var scheduled = status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: "False", Reason: "Unschedulable" })
        {
            return new BuildTrouble(Conditions.ReasonBuildPodUnschedulable, "build pod " + name + " cannot be scheduled: " + (scheduled.Message ?? "no message"), Permanent: false);
        }

        return null;
    }
}
