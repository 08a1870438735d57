using TinyImage.Kube;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Verification;
using C = TinyImage.Api.V1Alpha1.Conditions;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Step 7's first half: turn what the steps found into phase and conditions (kstatus Ready, Reconciling, Stalled,
/// and the step conditions Built, SbomVerified, Deployed). Pure: the pass's draft status in, the same status out.
/// </summary>
internal static class StatusComposer
{
    /// <summary>A problem before the build (invalid spec, missing source or Secret): stalled; the workload keeps running.</summary>
    public static void Stalled(ReconcilePass pass, StepProblem problem, DeployResult deploy)
    {
        SetPhase(pass, Phases.Failed, problem.Reason, problem.Message, deploy);
    }

    public static void Compose(ReconcilePass pass, BuildResult build, VerifyResult? verify, DeployResult deploy)
    {
        var (g, now, conditions) = (pass.Generation, pass.Now, pass.Status.Conditions!);
        switch (build.State)
        {
            case BuildState.Running:
                ConditionSet.Set(conditions, C.Built, C.Unknown, build.Reason ?? C.ReasonBuilding, build.Message, g, now);
                ConditionSet.Set(conditions, C.SbomVerified, C.Unknown, C.ReasonWaitingForVerification, "waiting for the build", g, now);
                SetPhase(pass, Phases.Building, build.Reason ?? C.ReasonBuilding, build.Message, deploy);
                return;
            case BuildState.Failed or BuildState.TimedOut or BuildState.InvalidDigest:
                var reason = build.Reason ?? build.State switch
                {
                    BuildState.TimedOut => C.ReasonBuildTimedOut,
                    BuildState.InvalidDigest => C.ReasonInvalidDigest,
                    _ => C.ReasonBuildFailed,
                };
                ConditionSet.Set(conditions, C.Built, C.False, reason, build.Message, g, now);
                ConditionSet.Set(conditions, C.SbomVerified, C.Unknown, C.ReasonWaitingForVerification, "nothing to verify: the build failed", g, now);
                SetPhase(pass, Phases.Failed, reason, build.Message, deploy);
                return;
        }

        ConditionSet.Set(conditions, C.Built, C.True, C.ReasonBuildSucceeded, build.Message, g, now);
        switch (verify!.State)
        {
            case VerifyState.Announce or VerifyState.Unavailable:
                ConditionSet.Set(conditions, C.SbomVerified, C.Unknown, verify.State == VerifyState.Announce ? C.ReasonVerifying : verify.Reason, verify.Message, g, now);
                SetPhase(pass, Phases.Verifying, C.ReasonVerifying, verify.Message, deploy);
                return;
            case VerifyState.Refused:
                ConditionSet.Set(conditions, C.SbomVerified, C.False, verify.Reason, verify.Message, g, now);
                SetPhase(pass, Phases.Failed, verify.Reason, verify.Message, deploy);
                return;
        }

        ConditionSet.Set(conditions, C.SbomVerified, C.True, VerificationReasons.Verified, verify.Message, g, now);
        var reference = deploy.Workload?.Reference ?? pass.Status.Image!.Reference;
        switch (deploy.Rollout)
        {
            case RolloutState.Complete:
                SetPhase(pass, Phases.Ready, C.ReasonReady, "serving " + reference, deploy);
                break;
            case RolloutState.DeadlineExceeded:
                SetPhase(pass, Phases.Failed, C.ReasonProgressDeadlineExceeded, "the rollout of " + reference + " exceeded its progress deadline: " + deploy.Detail, deploy);
                break;
            default:
                SetPhase(pass, Phases.Deploying, C.ReasonDeploying, "waiting for the rollout of " + reference + ": " + deploy.Detail, deploy);
                break;
        }
    }

    private static void SetPhase(ReconcilePass pass, string phase, string reason, string message, DeployResult deploy)
    {
        var (g, now, conditions) = (pass.Generation, pass.Now, pass.Status.Conditions!);
        var status = pass.Status;
        status.Phase = phase;
        status.ObservedGeneration = g;

        // A digest is named as serving only once its rollout is complete (no pod of an older ReplicaSet left).
        if (deploy.RolledOut)
        {
            status.Serving = deploy.Workload;
        }

        if (deploy.Workload is { } workload)
        {
            status.Deployment = new DeploymentStatus { Name = pass.Name, ReadyReplicas = deploy.ReadyReplicas };
            var (deployed, deployedReason, deployedMessage) = deploy.Rollout switch
            {
                RolloutState.Complete => (C.True, C.ReasonAvailable, workload.Reference + " is rolled out"),
                RolloutState.DeadlineExceeded => (C.False, C.ReasonProgressDeadlineExceeded, deploy.Detail),
                _ => (C.False, C.ReasonDeploying, "waiting for the rollout of " + workload.Reference + ": " + deploy.Detail),
            };
            ConditionSet.Set(conditions, C.Deployed, deployed, deployedReason, deployedMessage, g, now);
        }
        else
        {
            ConditionSet.Set(conditions, C.Deployed, C.False, C.ReasonWaitingForVerification, "no verified image yet", g, now);
        }

        // Ready: a verified workload serves (an older one, while a newer one builds, verifies or rolls out).
        var serving = status.Serving is not null && deploy.Available;
        ConditionSet.Set(
            conditions,
            C.Ready,
            serving ? C.True : C.False,
            serving ? C.ReasonReady : reason,
            serving ? "serving " + status.Serving!.Reference + (phase == Phases.Ready ? "" : "; " + phase + ": " + message) : message,
            g,
            now);

        var reconciling = phase is Phases.Pending or Phases.Building or Phases.Verifying or Phases.Deploying;
        ConditionSet.Set(conditions, C.Reconciling, reconciling ? C.True : C.False, reconciling ? reason : phase, reconciling ? message : "nothing to do", g, now);
        var stalled = phase == Phases.Failed;
        ConditionSet.Set(conditions, C.Stalled, stalled ? C.True : C.False, stalled ? reason : "NotStalled", stalled ? message : "making progress or done", g, now);
        Order(conditions);
    }

    private static readonly string[] OrderOfTypes = [C.Ready, C.Reconciling, C.Stalled, C.Built, C.SbomVerified, C.Deployed];

    private static void Order(IList<k8s.Models.V1Condition> conditions)
    {
        var sorted = conditions.OrderBy(c => Array.IndexOf(OrderOfTypes, c.Type) is var i && i < 0 ? int.MaxValue : i).ToList();
        conditions.Clear();
        foreach (var condition in sorted)
        {
            conditions.Add(condition);
        }
    }
}
