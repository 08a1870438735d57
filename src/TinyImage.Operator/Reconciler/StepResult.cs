namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What a sub-reconciler found, the one result type of every step. Wait, Fail and Stop carry the condition reason and
/// the sentence the summary shows when this is the first step that is not done.
/// </summary>
/// <param name="Action">Continue, Wait, Fail, Stop or Retry.</param>
/// <param name="Reason">The condition reason (Wait, Fail, Stop).</param>
/// <param name="Message">The sentence (Wait, Fail, Stop).</param>
/// <param name="RequeueAfter">Look again after this long without an event (null: wait for one).</param>
internal sealed record StepResult(StepAction Action, string? Reason = null, string? Message = null, TimeSpan? RequeueAfter = null)
{
    /// <summary>Objects the operator does not watch (and troubles nothing signals) are looked at again this often.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    public static StepResult Continue { get; } = new(StepAction.Continue);

    public static StepResult Retry { get; } = new(StepAction.Retry);

    public static StepResult Wait(string reason, string message, TimeSpan? requeueAfter = null) => new(StepAction.Wait, reason, message, requeueAfter);

    public static StepResult Fail(string reason, string message) => new(StepAction.Fail, reason, message);

    public static StepResult Stop(string reason, string message, TimeSpan? requeueAfter = null) => new(StepAction.Stop, reason, message, requeueAfter);

    /// <summary>Whether the pass ends after this step.</summary>
    public bool EndsPass => Action is StepAction.Stop or StepAction.Retry;
}
