namespace TinyImage.Operator.Reconciler;

/// <summary>Why a build cannot start or died, in words a person can act on.</summary>
/// <param name="Reason">The condition reason (Conditions.ReasonBuild...).</param>
/// <param name="Message">The sentence, with the pod's or the Event's own message.</param>
/// <param name="Permanent">A retry by the Job controller cannot fix it: the build fails now, not at its timeout.</param>
internal sealed record BuildTrouble(string Reason, string Message, bool Permanent);
