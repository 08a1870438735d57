using System.Globalization;
using Microsoft.Extensions.Logging;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The real <see cref="IImageVerifier"/>: resolves the manifest by digest (verified), refuses an image over the size cap
/// before downloading layers, downloads and verifies every layer, finds <c>/bin/&lt;binary&gt;</c>, reads its
/// cargo-auditable SBOM (<see cref="AuditDataReader"/>) and applies the policy (<see cref="SbomPolicyEvaluator"/>).
/// Registry and layer failures become results with the matching <see cref="VerificationReasons"/>. Results that depend only
/// on the image content are cached per (digest, binary, policy).
/// </summary>
internal sealed partial class ImageVerifier : IImageVerifier, IDisposable
{
    private readonly ImageVerifierOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<ImageVerifier> logger;
    private readonly SocketsHttpHandler verifiedHandler;
    private readonly SocketsHttpHandler insecureHandler;
    private readonly VerificationCache cache;
    private int pulls;

    public ImageVerifier(ImageVerifierOptions options, TimeProvider time, ILogger<ImageVerifier> logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        verifiedHandler = RegistryHttpHandlers.Create(options.CaCertificates, insecure: false, options.Client.RequestTimeout, options.Client.Outbound);
        insecureHandler = RegistryHttpHandlers.Create(options.CaCertificates, insecure: true, options.Client.RequestTimeout, options.Client.Outbound);
        cache = new VerificationCache(options.CacheCapacity);
    }

    /// <summary>Results currently cached.</summary>
    internal int CachedResults => cache.Count;

    /// <summary>Pulls performed (cache misses that reached the registry); for tests and metrics.</summary>
    internal int Pulls => Volatile.Read(ref pulls);

    public async Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ImageReference.TryParse($"{request.Repository}@{request.Digest}", out var image, out var error) || image.Tag != null)
        {
            return Fail(VerificationReasons.ImageMalformed, $"The image reference is invalid: {(image is null ? error : "the repository must not carry a tag")}");
        }

        var key = VerificationCache.Key(request.Digest, request.BinaryName, request.Policy);
        if (cache.TryGet(key, out var cached))
        {
            Log.CacheHit(logger, request.Repository, request.Digest);
            return cached;
        }

        RegistryCredentials credentials;
        try
        {
            credentials = request.DockerConfigJson is null ? RegistryCredentials.Anonymous : RegistryCredentials.FromDockerConfigJson(request.DockerConfigJson);
        }
        catch (RegistryException e)
        {
            return Fail(VerificationReasons.RegistryUnauthorized, "The pull secret is not a usable docker config: " + e.Message);
        }

        var clientOptions = options.Client with { Credentials = credentials, Insecure = request.Insecure };
        using var client = new RegistryClient(request.Insecure ? insecureHandler : verifiedHandler, disposeHandler: false, clientOptions, time, logger);
        Interlocked.Increment(ref pulls);
        var (result, cacheable) = await VerifyWithClientAsync(client, image, request, cancellationToken).ConfigureAwait(false);
        if (cacheable)
        {
            cache.Put(key, result);
        }

        Log.Verified(logger, request.Repository, request.Digest, result.Reason);
        return result;
    }

    private async Task<(VerificationResult Result, bool Cacheable)> VerifyWithClientAsync(RegistryClient client, ImageReference image, VerificationRequest request, CancellationToken cancellationToken)
    {
        ResolvedManifest? manifest = null;
        try
        {
            manifest = await client.GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
            if (manifest.IndexDigest is not null)
            {
                // The operator deploys exactly the digest it verified; an index digest would let the runtime pick another platform.
                return (Fail(VerificationReasons.ImageMalformed, $"{request.Digest} is an image index, not an image manifest; verify and deploy the platform manifest {manifest.Digest}.", manifest), true);
            }

            if (request.Policy.MaxImageSizeBytes is { } max && manifest.CompressedSize > max)
            {
                return (Fail(VerificationReasons.ImageTooLarge, string.Create(CultureInfo.InvariantCulture, $"The image is {manifest.CompressedSize} bytes, over the limit of {max} bytes."), manifest), true);
            }

            var inspector = new ImageInspector(client, options.Layers, ScratchSpace.From(options.TempDirectory));
            await using var inspection = await inspector.InspectAsync(manifest, request.BinaryName, null, cancellationToken).ConfigureAwait(false);
            var sbom = AuditDataReader.Read(inspection.Binary);
            var facts = new ImageFacts(request.Repository, manifest.Digest, inspection.CompressedSize, inspection.LayerCount, inspection.OtherFiles);
            return (SbomPolicyEvaluator.Evaluate(request.Policy, sbom, facts), true);
        }
        catch (RegistryException e)
        {
            var reason = RegistryFailureReasons.Of(e);
            var cacheable = e.Kind is RegistryErrorKind.TooLarge or RegistryErrorKind.Malformed && manifest is not null;
            return (Fail(reason, e.Message, manifest), cacheable);
        }
        catch (ImageLayerException e)
        {
            var reason = RegistryFailureReasons.Of(e);
            return (Fail(reason, e.Message, manifest), true);
        }
        catch (ScratchSpaceException e)
        {
            // The operator's own disk, not the image: its own reason, which the reconciler retries; the result is never cached.
            Log.ScratchUnavailable(logger, request.Repository, request.Digest, e.Message);
            return (Fail(VerificationReasons.ScratchSpaceUnavailable, e.Message, manifest), false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Local disk trouble (temp space) is not the image's fault: report it and let the reconciler retry.
            return (Fail(VerificationReasons.RegistryUnavailable, "Reading the image failed locally: " + e.Message, manifest), false);
        }
    }

    private static VerificationResult Fail(string reason, string message, ResolvedManifest? manifest = null) =>
        new(false, reason, message, manifest?.CompressedSize, manifest?.Layers.Count, null, null);

    public void Dispose()
    {
        verifiedHandler.Dispose();
        insecureHandler.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Verification of {Repository}@{Digest} served from the cache")]
        public static partial void CacheHit(ILogger logger, string repository, string digest);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Verified {Repository}@{Digest}: {Reason}")]
        public static partial void Verified(ILogger logger, string repository, string digest, string reason);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Verification of {Repository}@{Digest} could not use the scratch directory: {Error}")]
        public static partial void ScratchUnavailable(ILogger logger, string repository, string digest, string error);
    }
}
