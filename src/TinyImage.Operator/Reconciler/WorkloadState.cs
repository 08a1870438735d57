using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Reconciler;

/// <summary>The workload as the deploy step found or left it: an observation, not a step result.</summary>
/// <param name="Workload">The verified workload the Deployment is meant to run (null: no verified image yet).</param>
/// <param name="Rollout">Where its rollout stands.</param>
/// <param name="Detail">A sentence on the rollout (the Deployment's own message when its deadline passed).</param>
/// <param name="Available">The Deployment has the desired count of available pods (of any verified ReplicaSet).</param>
/// <param name="ReadyReplicas">Ready pods, as the Deployment reports them.</param>
internal sealed record WorkloadState(ServingStatus? Workload, RolloutState Rollout, string Detail, bool Available, int ReadyReplicas)
{
    public static WorkloadState NoImage { get; } = new(null, RolloutState.None, "no verified image yet", false, 0);

    public bool RolledOut => Rollout == RolloutState.Complete;
}
