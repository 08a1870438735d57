using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Reconciler;
using Xunit;
using C = TinyImage.Api.V1Alpha1.Conditions;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class StatusSummaryTests
{
    private const string Old = "registry.local:5000/team/hello@sha256:aaaa";
    private const string New = "registry.local:5000/team/hello@sha256:bbbb";
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly StepResult BuildRunning = StepResult.Wait(C.ReasonBuilding, "build Job hello-build-1 is running", StepResult.Recheck);
    private static readonly StepResult BuildFailed = StepResult.Fail(C.ReasonBuildFailed, "build Job hello-build-1 failed: exit 1");
    private static readonly StepResult Verifying = StepResult.Wait(C.ReasonVerifying, "verifying sha256:bbbb");
    private static readonly StepResult NotVerifiedYet = StepResult.Wait(C.ReasonWaitingForVerification, "waiting for the build");
    private static readonly StepResult RollingOut = StepResult.Wait(C.ReasonDeploying, "waiting for the rollout of " + New + ": 0 of 1 new replicas updated");
    private static readonly StepResult Invalid = StepResult.Stop(C.ReasonInvalidSpec, "spec.binary: must not be empty");
    private static readonly StepResult Taken = StepResult.Stop(C.ReasonChildConflict, "Job demo/hello-build-1 exists and is not controlled by this TinyImage", StepResult.Recheck);
    private static readonly StepResult DeadlineExceeded = StepResult.Fail(C.ReasonProgressDeadlineExceeded, "the rollout of " + New + " exceeded its progress deadline");

    /// <summary>Step results of inputs, build, verify, deploy, history × the workload → what the summary says.</summary>
    private static readonly SummaryCase[] Table =
    [
        new("every step done, the new workload serving",
            [Ok, Ok, Ok, Ok, Ok], Serving(New, available: true), New,
            Phases.Ready, (C.True, C.ReasonReady), (C.False, Phases.Ready), (C.False, "NotStalled"), "serving " + New),
        new("the build runs and nothing serves yet",
            [Ok, BuildRunning, NotVerifiedYet, Wait(C.ReasonWaitingForVerification), Ok], WorkloadState.NoImage, null,
            Phases.Building, (C.False, C.ReasonBuilding), (C.True, C.ReasonBuilding), (C.False, "NotStalled"), BuildRunning.Message!),
        new("the build runs while an older workload serves and is available",
            [Ok, BuildRunning, NotVerifiedYet, Ok, Ok], Serving(Old, available: true), Old,
            Phases.Building, (C.True, C.ReasonReady), (C.True, C.ReasonBuilding), (C.False, "NotStalled"), "serving " + Old + "; Building: " + BuildRunning.Message),
        new("the build runs while an older workload serves but is not available",
            [Ok, BuildRunning, NotVerifiedYet, Ok, Ok], Serving(Old, available: false), Old,
            Phases.Building, (C.False, C.ReasonBuilding), (C.True, C.ReasonBuilding), (C.False, "NotStalled"), BuildRunning.Message!),
        new("verification runs",
            [Ok, Ok, Verifying, Wait(C.ReasonWaitingForVerification), Ok], WorkloadState.NoImage, null,
            Phases.Verifying, (C.False, C.ReasonVerifying), (C.True, C.ReasonVerifying), (C.False, "NotStalled"), Verifying.Message!),
        new("the rollout runs",
            [Ok, Ok, Ok, RollingOut, Ok], Serving(New, available: false), null,
            Phases.Deploying, (C.False, C.ReasonDeploying), (C.True, C.ReasonDeploying), (C.False, "NotStalled"), RollingOut.Message!),
        new("the build failed while an older workload serves",
            [Ok, BuildFailed, NotVerifiedYet, Ok, Ok], Serving(Old, available: true), Old,
            Phases.Failed, (C.True, C.ReasonReady), (C.False, Phases.Failed), (C.True, C.ReasonBuildFailed), "serving " + Old + "; Failed: " + BuildFailed.Message),
        new("the build failed and nothing serves",
            [Ok, BuildFailed, NotVerifiedYet, Wait(C.ReasonWaitingForVerification), Ok], WorkloadState.NoImage, null,
            Phases.Failed, (C.False, C.ReasonBuildFailed), (C.False, Phases.Failed), (C.True, C.ReasonBuildFailed), BuildFailed.Message!),
        new("the spec is invalid (the pass stopped at the inputs)",
            [Invalid], WorkloadState.NoImage, null,
            Phases.Failed, (C.False, C.ReasonInvalidSpec), (C.False, Phases.Failed), (C.True, C.ReasonInvalidSpec), Invalid.Message!),
        new("a child's name is taken",
            [Ok, Taken], WorkloadState.NoImage, null,
            Phases.Failed, (C.False, C.ReasonChildConflict), (C.False, Phases.Failed), (C.True, C.ReasonChildConflict), Taken.Message!),
        new("the rollout exceeded its deadline",
            [Ok, Ok, Ok, DeadlineExceeded, Ok], Serving(New, available: false), null,
            Phases.Failed, (C.False, C.ReasonProgressDeadlineExceeded), (C.False, Phases.Failed), (C.True, C.ReasonProgressDeadlineExceeded), DeadlineExceeded.Message!),
        new("the first step not done wins over a later failure",
            [Ok, BuildRunning, StepResult.Fail("PolicyViolation", "denied"), Ok, Ok], WorkloadState.NoImage, null,
            Phases.Building, (C.False, C.ReasonBuilding), (C.True, C.ReasonBuilding), (C.False, "NotStalled"), BuildRunning.Message!),
        new("a failure wins over a later wait",
            [Ok, BuildFailed, Verifying, RollingOut, Ok], WorkloadState.NoImage, null,
            Phases.Failed, (C.False, C.ReasonBuildFailed), (C.False, Phases.Failed), (C.True, C.ReasonBuildFailed), BuildFailed.Message!),
    ];

    public static TheoryData<string> Cases { get; } = [.. Table.Select(c => c.Name)];

    private static StepResult Ok => StepResult.Continue;

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_First_Step_Not_Done_Names_The_Phase_And_Ready_Follows_The_Serving_Workload(string name)
    {
        var row = Table.Single(c => c.Name == name);
        var status = new TinyImageStatus { Serving = row.Serving is null ? null : new ServingStatus { Reference = row.Serving } };

        StatusSummary.Apply(status, Outcomes(row.Results), row.Workload, 7, Now);

        Assert.Equal(row.Phase, status.Phase);
        AssertCondition(status, C.Ready, row.Ready);
        AssertCondition(status, C.Reconciling, row.Reconciling);
        AssertCondition(status, C.Stalled, row.Stalled);
        Assert.Equal(row.ReadyMessage, Find(status, C.Ready).Message);
    }

    [Fact]
    public void ObservedGeneration_Is_Set_On_The_Status_And_On_Every_Summary_Condition()
    {
        var status = new TinyImageStatus { ObservedGeneration = 3 };

        StatusSummary.Apply(status, Outcomes([Ok, BuildRunning]), WorkloadState.NoImage, 4, Now);

        Assert.Equal(4, status.ObservedGeneration);
        Assert.All(status.Conditions!, c => Assert.Equal(4, c.ObservedGeneration));
    }

    [Fact]
    public void LastTransitionTime_Moves_Only_When_A_Condition_Status_Changes()
    {
        var status = new TinyImageStatus();
        StatusSummary.Apply(status, Outcomes([Ok, BuildRunning]), WorkloadState.NoImage, 1, Now);

        // Still building, another message: no transition.
        StatusSummary.Apply(status, Outcomes([Ok, StepResult.Wait(C.ReasonBuilding, "build pod pending")]), WorkloadState.NoImage, 1, Now.AddMinutes(1));
        Assert.Equal(Now.UtcDateTime, Find(status, C.Reconciling).LastTransitionTime);
        Assert.Equal("build pod pending", Find(status, C.Reconciling).Message);

        // Failed: Reconciling and Stalled transition, Ready stays False.
        StatusSummary.Apply(status, Outcomes([Ok, BuildFailed]), WorkloadState.NoImage, 1, Now.AddMinutes(2));
        Assert.Equal(Now.AddMinutes(2).UtcDateTime, Find(status, C.Reconciling).LastTransitionTime);
        Assert.Equal(Now.AddMinutes(2).UtcDateTime, Find(status, C.Stalled).LastTransitionTime);
        Assert.Equal(Now.UtcDateTime, Find(status, C.Ready).LastTransitionTime);
    }

    [Fact]
    public void Conditions_Are_Ordered_Ready_Reconciling_Stalled_Then_The_Steps_Conditions()
    {
        var status = new TinyImageStatus
        {
            Conditions =
            [
                new V1Condition { Type = C.Deployed, Status = C.False, Reason = C.ReasonDeploying, Message = "m" },
                new V1Condition { Type = "Custom", Status = C.True, Reason = "Other", Message = "m" },
                new V1Condition { Type = C.SbomVerified, Status = C.True, Reason = "Verified", Message = "m" },
                new V1Condition { Type = C.Built, Status = C.True, Reason = C.ReasonBuildSucceeded, Message = "m" },
            ],
        };

        StatusSummary.Apply(status, Outcomes([Ok, Ok, Ok, RollingOut, Ok]), WorkloadState.NoImage, 1, Now);

        Assert.Equal([C.Ready, C.Reconciling, C.Stalled, C.Built, C.SbomVerified, C.Deployed, "Custom"], status.Conditions!.Select(c => c.Type));
    }

    private static StepResult Wait(string reason) => StepResult.Wait(reason, reason);

    private static WorkloadState Serving(string reference, bool available) =>
        new(new ServingStatus { Reference = reference }, available ? RolloutState.Complete : RolloutState.InProgress, "detail", available, available ? 1 : 0);

    private static List<StepOutcome> Outcomes(IReadOnlyList<StepResult> results)
    {
        string[] phases = [Phases.Pending, Phases.Building, Phases.Verifying, Phases.Deploying, Phases.Ready];
        return [.. results.Select((r, i) => new StepOutcome(phases[i], r))];
    }

    private static V1Condition Find(TinyImageStatus status, string type) =>
        status.Conditions!.Single(c => c.Type == type);

    private static void AssertCondition(TinyImageStatus status, string type, (string Status, string Reason) expected)
    {
        var condition = Find(status, type);
        Assert.Equal(expected, (condition.Status, condition.Reason));
    }

    /// <summary>One row: the steps' results, the workload and what status.serving names → the expected summary.</summary>
    private sealed record SummaryCase(
        string Name,
        IReadOnlyList<StepResult> Results,
        WorkloadState Workload,
        string? Serving,
        string Phase,
        (string Status, string Reason) Ready,
        (string Status, string Reason) Reconciling,
        (string Status, string Reason) Stalled,
        string ReadyMessage);
}
