namespace TinyImage.Operator.Verification;

/// <summary>Where one verification stands.</summary>
/// <param name="State">Queued, Running or Done.</param>
/// <param name="Ahead">While queued: verifications of the same namespace ahead of it.</param>
/// <param name="Result">When done: the result (handed out once).</param>
internal sealed record VerificationProgress(VerificationState State, int Ahead = 0, VerificationResult? Result = null)
{
    public static VerificationProgress Running { get; } = new(VerificationState.Running);

    public static VerificationProgress Done(VerificationResult result) => new(VerificationState.Done, 0, result);
}
