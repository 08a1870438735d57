using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Controllers;

/// <summary>The workload's state.</summary>
/// <param name="Workload">The verified workload the Deployment is meant to run (null: no verified image yet).</param>
/// <param name="Rollout">Where its rollout stands.</param>
/// <param name="Detail">A sentence on the rollout (the Deployment's own message when its deadline passed).</param>
/// <param name="Available">The Deployment has the desired count of available pods (of any verified ReplicaSet).</param>
/// <param name="ReadyReplicas">Ready pods, as the Deployment reports them.</param>
/// <param name="Conflict">A write lost a race (409): retry the pass with backoff.</param>
/// <param name="Blocked">An object not controlled by this TinyImage holds a child's name: nothing was written to it.</param>
internal sealed record DeployResult(ServingStatus? Workload, RolloutState Rollout, string Detail, bool Available, int ReadyReplicas, bool Conflict, StepProblem? Blocked = null)
{
    public static DeployResult NoImage { get; } = new(null, RolloutState.None, "no verified image yet", false, 0, false);

    public bool HasImage => Workload is not null;

    public bool RolledOut => Rollout == RolloutState.Complete;
}
