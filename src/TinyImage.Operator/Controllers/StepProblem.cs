namespace TinyImage.Operator.Controllers;

/// <summary>Why a pass cannot go on: a condition reason, a sentence, and when to look again without an event (null: wait for one).</summary>
internal sealed record StepProblem(string Reason, string Message, TimeSpan? RequeueAfter);
