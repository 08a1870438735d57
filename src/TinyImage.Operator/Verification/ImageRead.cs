using TinyImage.Oci;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>What <see cref="ImageSbomReader"/> read from one image: the verified manifest, the SBOM of its binary and the
/// image facts the policy checks; or a failed <see cref="VerificationResult"/> that ends verification before any policy check.</summary>
/// <param name="Manifest">The manifest, once it was fetched and its digest verified.</param>
/// <param name="Sbom">The read outcome of the binary's SBOM, when the binary was found.</param>
/// <param name="Facts">Facts about the image (repository, digest, size, layers, other files), when the binary was found.</param>
/// <param name="Failure">A failed result when the image or its binary could not be read, else null.</param>
internal sealed record ImageRead(ResolvedManifest? Manifest, SbomOutcome<AuditData>? Sbom, ImageFacts? Facts, VerificationResult? Failure)
{
    /// <summary>The path of the binary inside the image (after <c>/bin</c> symlinks), when it was found.</summary>
    public string? BinaryPath { get; init; }

    /// <summary>True when <see cref="Failure"/> depends only on the image's content (so it may be cached by digest).</summary>
    public bool Cacheable { get; init; }

    /// <summary>The reader's own disk failed (scratch directory), as <c>NAME: message</c>: no verdict on the image.</summary>
    public string? LocalError { get; init; }
}
