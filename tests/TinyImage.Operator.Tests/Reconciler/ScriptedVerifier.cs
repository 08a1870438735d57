using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// The verifier of the step tests: answers every request with <see cref="Answer"/> (a pass with a CycloneDX SBOM
/// unless told otherwise) and writes "verify" to a shared journal, so a test sees what happened before it.
/// </summary>
internal sealed class ScriptedVerifier(List<string> journal) : IImageVerifier
{
    public List<VerificationRequest> Requests { get; } = [];

    public Func<VerificationRequest, VerificationResult> Answer { get; set; } = Pass;

    public static VerificationResult Pass(VerificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"x-digest\":\"" + request.Digest + "\"}";
        return new VerificationResult(true, VerificationReasons.Verified, "3 packages, no denied package", 345_678, 1, new SbomSummary(3, request.BinaryName + " 0.1.0", 0), bom);
    }

    public static Func<VerificationRequest, VerificationResult> Refuse(string reason, string message) =>
        _ => new VerificationResult(false, reason, message, 1234, 1, null, null);

    public Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        lock (journal)
        {
            journal.Add("verify");
            Requests.Add(request);
        }

        return Task.FromResult(Answer(request));
    }
}
