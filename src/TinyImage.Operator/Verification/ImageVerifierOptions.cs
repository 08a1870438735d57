using System.Security.Cryptography.X509Certificates;
using TinyImage.Oci;
using TinyImage.Oci.Layers;

namespace TinyImage.Operator.Verification;

/// <summary>Settings of <see cref="ImageVerifier"/>: client limits (credentials and insecure come per request), layer caps, trust, cache size.</summary>
internal sealed record ImageVerifierOptions
{
    /// <summary>Limits, retries and platform for every pull; <c>Credentials</c> and <c>Insecure</c> are replaced per request.</summary>
    public RegistryClientOptions Client { get; init; } = new();

    /// <summary>Caps for reading layers.</summary>
    public LayerLimits Layers { get; init; } = LayerLimits.Default;

    /// <summary>Extra CA certificates trusted for registries (beside the system store).</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Where an extracted binary over the memory budget (<see cref="LayerLimits.MaxBinaryBytesInMemory"/>) is written while an image is verified (<c>--temp-dir</c>); null: <c>$TMPDIR</c>.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>The advisory database for policies with <c>verify.advisories</c> (<c>--advisory-db</c>); null: none configured.</summary>
    public AdvisoryDatabaseHolder? Advisories { get; init; }

    /// <summary>
    /// How long one image may take to read, every request and body of it (manifest, token, errors, config, layers), on the
    /// injected TimeProvider (<c>--verify-timeout</c>). Past it the read ends as <see cref="VerificationReasons.VerificationTimedOut"/>.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Verification results remembered per (repository, credentials, digest, binary, policy).</summary>
    public int CacheCapacity { get; init; } = 256;

    /// <summary>The most bytes the remembered results may hold (their CycloneDX documents above all).</summary>
    public long CacheMaxBytes { get; init; } = VerificationCache.DefaultMaxBytes;
}
