namespace TinyImage.Operator.Verification;

/// <summary>
/// Pulls an image by digest and verifies the SBOM embedded in its binary against a policy.
/// The reconciler's Verifying step calls it; the real implementation lives in Registry/ and Sbom/.
/// </summary>
internal interface IImageVerifier
{
    /// <summary>Verifies the image named by <paramref name="request"/>. Expected failures are results, not exceptions.</summary>
    Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken);

    /// <summary>The advisory database the verifier audits against (the re-audit follows its changes), or null: none configured.</summary>
    AdvisoryDatabaseHolder? Advisories => null;
}
