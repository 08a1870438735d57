using TinyImage.Sbom;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>
/// The seam for <c>verify IMAGE-REF</c>: pulls an image and reads the SBOM of its binary. The registry client implements
/// it; <see cref="VerifyCommand"/> uses it for any target that is not an existing file.
/// </summary>
internal interface IImageSbomSource
{
    /// <summary>Fetches the image named by <paramref name="reference"/> and reads its binary's SBOM.</summary>
    Task<ImageSbomFetch> FetchAsync(string reference, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IImageSbomSource"/> found: the SBOM read and the image facts, or a registry-level failure
/// (RegistryUnauthorized, BinaryNotFound, ...) that ends verification before any policy check.</summary>
/// <param name="Sbom">The read outcome of the binary's SBOM, when the binary was found.</param>
/// <param name="Image">Facts about the image (digest, size, other files), when the manifest was read.</param>
/// <param name="Failure">A failed result when the image or binary could not be fetched.</param>
internal sealed record ImageSbomFetch(SbomOutcome<AuditData>? Sbom, ImageFacts? Image, VerificationResult? Failure)
{
    /// <summary>A local failure (the scratch directory cannot be used), as <c>NAME: message</c>: no verdict on the image.</summary>
    public string? LocalError { get; init; }
}
