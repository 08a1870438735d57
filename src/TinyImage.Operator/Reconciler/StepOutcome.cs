namespace TinyImage.Operator.Reconciler;

/// <summary>One step's result in a pass, with the phase the TinyImage is in while that step is not done.</summary>
internal sealed record StepOutcome(string Phase, StepResult Result);
