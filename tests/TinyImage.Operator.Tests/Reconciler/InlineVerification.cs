using TinyImage.Kube;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>For step tests: runs the verifier inside the submitting pass and answers Done with its result.</summary>
internal sealed class InlineVerification(IImageVerifier verifier) : IVerificationRunner
{
    public async Task<VerificationProgress> SubmitAsync(ObjectKey owner, string identity, VerificationRequest request, CancellationToken cancellationToken) =>
        VerificationProgress.Done(await verifier.VerifyAsync(request, cancellationToken));

    public bool Holds(ObjectKey owner, string identity) => false;

    public void Forget(ObjectKey owner)
    {
    }
}
