using TinyImage.Kube;

namespace TinyImage.Operator.Verification;

/// <summary>
/// Where the reconciler hands a verification: it answers at once with where the verification stands (queued, running, or
/// done with its result), so a reconcile worker never waits for a registry. <see cref="VerificationPool"/> is the operator's.
/// </summary>
internal interface IVerificationRunner
{
    /// <summary>
    /// Asks for the verification of <paramref name="request"/> on behalf of <paramref name="owner"/>. The same
    /// <paramref name="identity"/> asked again gets the same verification's progress (its result once, when done); another
    /// identity for the same owner supersedes it (a new digest, policy or retry: the old one is cancelled).
    /// </summary>
    Task<VerificationProgress> SubmitAsync(ObjectKey owner, string identity, VerificationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a verification under <paramref name="identity"/> was submitted for <paramref name="owner"/> and is queued,
    /// running, or done with its result held for the owner's next pass (that pass then has nothing to check before
    /// asking again: it checked before submitting).
    /// </summary>
    bool Holds(ObjectKey owner, string identity);

    /// <summary>The owner is gone: cancel and forget its verification.</summary>
    void Forget(ObjectKey owner);
}
