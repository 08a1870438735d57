using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using C = TinyImage.Api.V1Alpha1.Conditions;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The declarative summary of a pass (Flux's summarize): the first step that is not done names the phase — Failed
/// when it failed or stopped, its own phase (Building, Verifying, Deploying) while it waits, Ready when every step is
/// done — and kstatus Ready, Reconciling and Stalled follow from the phase and the workload. Ready is True whenever a
/// verified workload serves and is available, also while a newer one builds, verifies or rolls out. Pure: the steps'
/// outcomes in, the status's summary fields out; the step conditions are the steps' own.
/// </summary>
internal static class StatusSummary
{
    private static readonly string[] OrderOfTypes = [C.Ready, C.Reconciling, C.Stalled, C.Built, C.SbomVerified, C.Deployed, C.Vulnerable];

    public static void Apply(TinyImageStatus status, IReadOnlyList<StepOutcome> outcomes, WorkloadState workload, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(workload);
        var conditions = status.Conditions ??= [];
        var (phase, reason, message) = Phase(status, outcomes, workload);
        status.Phase = phase;
        status.ObservedGeneration = generation;

        var serving = status.Serving is not null && workload.Available;
        ConditionSet.Set(
            conditions,
            C.Ready,
            serving ? C.True : C.False,
            serving ? C.ReasonReady : reason,
            serving ? "serving " + status.Serving!.Reference + (phase == Phases.Ready ? "" : "; " + phase + ": " + message) : message,
            generation,
            now);

        var reconciling = phase is Phases.Pending or Phases.Building or Phases.Verifying or Phases.Deploying;
        ConditionSet.Set(conditions, C.Reconciling, reconciling ? C.True : C.False, reconciling ? reason : phase, reconciling ? message : "nothing to do", generation, now);
        var stalled = phase == Phases.Failed;
        ConditionSet.Set(conditions, C.Stalled, stalled ? C.True : C.False, stalled ? reason : "NotStalled", stalled ? message : "making progress or done", generation, now);
        Order(conditions);
    }

    /// <summary>The phase, reason and message of the first step that is not done.</summary>
    public static (string Phase, string Reason, string Message) Phase(TinyImageStatus status, IReadOnlyList<StepOutcome> outcomes, WorkloadState workload)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(workload);
        var first = outcomes.FirstOrDefault(o => o.Result.Action != StepAction.Continue);
        if (first is null)
        {
            return (Phases.Ready, C.ReasonReady, "serving " + (workload.Workload?.Reference ?? status.Serving?.Reference ?? status.Image?.Reference));
        }

        var result = first.Result;
        var reason = result.Reason ?? result.Action.ToString();
        var message = result.Message ?? reason;
        return result.Action is StepAction.Fail or StepAction.Stop
            ? (Phases.Failed, reason, message)
            : (first.Phase, reason, message);
    }

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
