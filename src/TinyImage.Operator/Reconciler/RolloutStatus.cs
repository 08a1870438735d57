using k8s.Models;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The rule of <c>kubectl rollout status</c> (kubectl's DeploymentStatusViewer), strict about old pods: a Deployment
/// is rolled out when its observedGeneration has caught up with its generation, updatedReplicas, availableReplicas
/// and replicas all equal the desired count (no pod of an older ReplicaSet left), and its Progressing condition does
/// not say ProgressDeadlineExceeded.
/// </summary>
internal static class RolloutStatus
{
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <summary>The state and a sentence saying why.</summary>
    public static (RolloutState State, string Detail) Of(V1Deployment deployment, int desired)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var status = deployment.Status;
        if (status?.ObservedGeneration is not { } observed || observed < (deployment.Metadata.Generation ?? 0))
        {
            return (RolloutState.InProgress, "waiting for the Deployment controller to observe the new spec");
        }

        var progressing = status.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == ProgressDeadlineExceeded)
        {
            return (RolloutState.DeadlineExceeded, progressing.Message ?? "the rollout exceeded its progress deadline");
        }

        var (updated, available, replicas) = (status.UpdatedReplicas ?? 0, status.AvailableReplicas ?? 0, status.Replicas ?? 0);
        if (updated < desired)
        {
            return (RolloutState.InProgress, updated + " of " + desired + " new replicas updated");
        }

        if (replicas > updated)
        {
            return (RolloutState.InProgress, (replicas - updated) + " old replicas pending termination");
        }

        if (available < desired || available != updated || replicas != desired)
        {
            return (RolloutState.InProgress, available + " of " + desired + " updated replicas available");
        }

        return (RolloutState.Complete, "rolled out");
    }
}
