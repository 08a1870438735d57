using Microsoft.Extensions.Logging;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using TinyImage.Sbom;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The one pipeline that reads an image's SBOM facts, used by <see cref="ImageVerifier"/> (the reconciler) and the
/// <c>verify</c> verb: resolves the manifest (hashed before it is parsed), lets the caller refuse it before any layer is
/// downloaded, reads and verifies every layer in one streaming pass (the binary kept in memory within one budget shared by
/// the concurrent reads, else in the scratch directory), finds <c>/bin/&lt;binary&gt;</c> and reads its
/// cargo-auditable SBOM (<see cref="AuditDataReader"/>). Registry and layer failures become failed results with the
/// matching <see cref="VerificationReasons"/>; it applies no policy. Its registry clients are shared across reads
/// (<see cref="RegistryClientPool"/>: one per registry host and credential identity), so a registry's scheme, challenge and
/// tokens are learnt once, and one tenant's client never carries another's credentials.
/// </summary>
internal sealed class ImageSbomReader : IDisposable
{
    private readonly ImageVerifierOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ScratchSpace scratch;
    private readonly MemoryBudget memory;
    private readonly SocketsHttpHandler verifiedHandler;
    private readonly SocketsHttpHandler insecureHandler;
    private readonly RegistryClientPool clients;

    /// <summary>Creates a reader with <paramref name="options"/>' client limits, layer caps, trust and scratch directory.</summary>
    public ImageSbomReader(ImageVerifierOptions options, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        scratch = ScratchSpace.From(options.TempDirectory);
        memory = new MemoryBudget(options.Layers.MaxBinaryBytesInMemory);
        verifiedHandler = RegistryHttpHandlers.Create(options.CaCertificates, insecure: false, options.Client.RequestTimeout, options.Client.Outbound);
        insecureHandler = RegistryHttpHandlers.Create(options.CaCertificates, insecure: true, options.Client.RequestTimeout, options.Client.Outbound);
        clients = new RegistryClientPool(verifiedHandler, insecureHandler, time, logger);
    }

    /// <summary>
    /// Reads <paramref name="image"/> (its manifest, layers and binary's SBOM) with <paramref name="credentials"/>.
    /// <paramref name="admit"/> sees the verified manifest before any layer is downloaded and may refuse it with a failed result.
    /// </summary>
    /// <param name="image">The image to read, by tag or digest.</param>
    /// <param name="repository">The repository as the facts name it (what the policy and messages show).</param>
    /// <param name="binary">The binary in <c>/bin</c>; null: the only entry of <c>/bin</c>.</param>
    /// <param name="credentials">Credentials for the registry.</param>
    /// <param name="insecure">Plain HTTP (or TLS without verification) to the registry.</param>
    /// <param name="admit">Refuses a manifest before its layers are downloaded (a failed result), or admits it (null).</param>
    /// <param name="progress">Receives the progress of every layer download, or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ImageRead> ReadAsync(
        ImageReference image,
        string repository,
        string? binary,
        RegistryCredentials credentials,
        bool insecure,
        Func<ResolvedManifest, VerificationResult?>? admit,
        IProgress<ImageInspector.BlobProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(credentials);
        var clientOptions = options.Client with { Credentials = credentials, Insecure = insecure };
        var client = clients.Get(image.Registry, credentials.IdentityFor(image.Registry), clientOptions);
        ResolvedManifest? manifest = null;

        // One deadline for the whole read, every request and body included, on the injected clock.
        using var deadline = new CancellationTokenSource(options.Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var callerToken = cancellationToken;
        cancellationToken = linked.Token;
        try
        {
            scratch.EnsureUsable();
            manifest = await client.GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
            if (admit?.Invoke(manifest) is { } refused)
            {
                return new ImageRead(manifest, null, null, refused) { Cacheable = true };
            }

            var inspector = new ImageInspector(client, options.Layers, scratch, memory);
            await using var inspection = await inspector.InspectAsync(manifest, binary, progress, cancellationToken).ConfigureAwait(false);
            var sbom = AuditDataReader.Read(inspection.Binary);
            var facts = new ImageFacts(repository, manifest.Digest, inspection.CompressedSize, inspection.LayerCount, inspection.OtherFiles);
            return new ImageRead(manifest, sbom, facts, null) { BinaryPath = inspection.BinaryPath, Cacheable = true };
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !callerToken.IsCancellationRequested
            && e is OperationCanceledException or RegistryException or ImageLayerException or IOException)
        {
            return Failed(manifest, VerificationReasons.VerificationTimedOut, string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Reading the image took longer than the verification deadline of {options.Deadline.TotalSeconds:0.#} s (a slow or stalling registry); it is tried again later."));
        }
        catch (RegistryException e)
        {
            var cacheable = e.Kind is RegistryErrorKind.TooLarge or RegistryErrorKind.Malformed && manifest is not null;
            return Failed(manifest, RegistryFailureReasons.Of(e), e.Message) with { Cacheable = cacheable };
        }
        catch (ImageLayerException e)
        {
            return Failed(manifest, RegistryFailureReasons.Of(e), e.Message) with { Cacheable = true };
        }
        catch (ScratchSpaceException e)
        {
            // The reader's own disk, not the image: its own reason, retried, never cached.
            return Failed(manifest, VerificationReasons.ScratchSpaceUnavailable, e.Message) with { LocalError = e.Message };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Local disk trouble (reading the extracted binary back, temp space) is not the image's fault: retried, never cached.
            return Failed(manifest, VerificationReasons.RegistryUnavailable, "Reading the image failed locally: " + e.Message) with
            {
                LocalError = scratch.Failure("read from", e).Message,
            };
        }
    }

    /// <summary>A failed result with what is known of the image (its size and layer count once the manifest was read).</summary>
    public static VerificationResult Fail(string reason, string message, ResolvedManifest? manifest = null) =>
        new(false, reason, message, manifest?.CompressedSize, manifest?.Layers.Count, null, null);

    public void Dispose()
    {
        verifiedHandler.Dispose();
        insecureHandler.Dispose();
    }

    private static ImageRead Failed(ResolvedManifest? manifest, string reason, string message) =>
        new(manifest, null, null, Fail(reason, message, manifest));
}
