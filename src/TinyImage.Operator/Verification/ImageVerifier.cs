using System.Globalization;
using Microsoft.Extensions.Logging;
using TinyImage.Advisories;
using TinyImage.Oci;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The real <see cref="IImageVerifier"/>: reads the image pinned by digest with <see cref="ImageSbomReader"/> (the pipeline
/// the <c>verify</c> verb uses too), refusing an index digest or an image over the size cap before its layers are downloaded,
/// and applies the policy (<see cref="SbomPolicyEvaluator"/>).
/// Registry and layer failures become results with the matching <see cref="VerificationReasons"/>. Results that depend only
/// on the image content are cached per (repository, credentials, digest, binary, policy): a tenant is answered from the cache only
/// for what it could pull itself the same way. Concurrent first verifications of one cache key share one pull (single flight).
/// </summary>
internal sealed partial class ImageVerifier : IImageVerifier, IDisposable
{
    private readonly ILogger<ImageVerifier> logger;
    private readonly ImageSbomReader reader;
    private readonly VerificationCache cache;
    private readonly TimeProvider time;
    private readonly AdvisoryDatabaseHolder? advisories;
    private readonly Lock flightsGate = new();
    private readonly Dictionary<string, Flight> flights = new(StringComparer.Ordinal);
    private int pulls;

    public ImageVerifier(ImageVerifierOptions options, TimeProvider time, ILogger<ImageVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.logger = logger;
        reader = new ImageSbomReader(options, time, logger);
        cache = new VerificationCache(options.CacheCapacity, options.CacheMaxBytes);
        this.time = time;
        advisories = options.Advisories;
    }

    /// <inheritdoc />
    public AdvisoryDatabaseHolder? Advisories => advisories;

    /// <summary>Results currently cached.</summary>
    internal int CachedResults => cache.Count;

    /// <summary>Bytes the cached results hold.</summary>
    internal long CachedBytes => cache.Bytes;

    /// <summary>Pulls performed (cache misses that reached the registry); for tests and metrics.</summary>
    internal int Pulls => Volatile.Read(ref pulls);

    public async Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ImageReference.TryParse($"{request.Repository}@{request.Digest}", out var image, out var error) || image.Tag != null)
        {
            return ImageSbomReader.Fail(VerificationReasons.ImageMalformed, $"The image reference is invalid: {(image is null ? error : "the repository must not carry a tag")}");
        }

        var database = request.Policy.Advisories is null ? null : advisories?.Current;
        var now = time.GetUtcNow();
        var key = VerificationCache.Scope(request.Repository, request.DockerConfigJson, request.Insecure) + "|"
            + VerificationCache.Key(request.Digest, request.BinaryName, request.Policy, database?.Revision, now);
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
            return ImageSbomReader.Fail(VerificationReasons.RegistryUnauthorized, "The pull secret is not a usable docker config: " + e.Message);
        }

        // Single flight: concurrent first verifications of one key (same repository, credentials, digest, binary and
        // policy) share one pull; each waits with its own cancellation, and the pull stops only when all of them left.
        Flight flight;
        var start = false;
        lock (flightsGate)
        {
            if (!flights.TryGetValue(key, out flight!))
            {
                flight = new Flight();
                flights[key] = flight;
                start = true;
            }

            flight.Waiters++;
        }

        if (start)
        {
            _ = FlyAsync(flight, key, image, credentials, request, database, now);
        }

        try
        {
            return await flight.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Leave(flight, key);
            throw;
        }
    }

    /// <summary>Verifications waiting for a pull now, over all keys; for tests.</summary>
    internal int FlightWaiters
    {
        get
        {
            lock (flightsGate)
            {
                return flights.Values.Sum(f => f.Waiters);
            }
        }
    }

    /// <summary>The one pull of a flight: its result is cached (when it may be) before the flight ends, so a later caller finds it.</summary>
    private async Task FlyAsync(Flight flight, string key, ImageReference image, RegistryCredentials credentials, VerificationRequest request, AdvisoryDatabase? database, DateTimeOffset now)
    {
        try
        {
            Interlocked.Increment(ref pulls);
            var (result, cacheable) = await VerifyImageAsync(image, credentials, request, database, now, flight.Cancel.Token).ConfigureAwait(false);
            if (cacheable)
            {
                cache.Put(key, result);
            }

            Log.Verified(logger, request.Repository, request.Digest, result.Reason);
            flight.Result.TrySetResult(result);
        }
        catch (OperationCanceledException) when (flight.Cancel.IsCancellationRequested)
        {
            flight.Result.TrySetCanceled(flight.Cancel.Token);
        }
        catch (Exception e)
        {
            flight.Result.TrySetException(e);
        }
        finally
        {
            lock (flightsGate)
            {
                if (flights.TryGetValue(key, out var current) && ReferenceEquals(current, flight))
                {
                    flights.Remove(key);
                }
            }
        }
    }

    /// <summary>A waiter gave up; the last one to leave cancels the pull (a later caller starts a new one).</summary>
    private void Leave(Flight flight, string key)
    {
        lock (flightsGate)
        {
            if (--flight.Waiters > 0)
            {
                return;
            }

            if (flights.TryGetValue(key, out var current) && ReferenceEquals(current, flight))
            {
                flights.Remove(key);
            }
        }

        flight.Cancel.Cancel();
    }

    private async Task<(VerificationResult Result, bool Cacheable)> VerifyImageAsync(
        ImageReference image, RegistryCredentials credentials, VerificationRequest request, AdvisoryDatabase? database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var read = await reader.ReadAsync(image, request.Repository, request.BinaryName, credentials, request.Insecure, manifest => Admit(manifest, request), null, cancellationToken).ConfigureAwait(false);
        if (read.Failure is { } failure)
        {
            if (failure.Reason == VerificationReasons.ScratchSpaceUnavailable)
            {
                Log.ScratchUnavailable(logger, request.Repository, request.Digest, failure.Message);
            }

            return (failure, read.Cacheable);
        }

        var result = SbomPolicyEvaluator.Evaluate(request.Policy, read.Sbom!, read.Facts, database, now);
        return (result, !VerificationReasons.IsTransient(result.Reason));
    }

    /// <summary>Refuses an index digest and an image over the size cap before any layer is downloaded.</summary>
    private static VerificationResult? Admit(ResolvedManifest manifest, VerificationRequest request)
    {
        if (manifest.IndexDigest is not null)
        {
            // The operator deploys exactly the digest it verified; an index digest would let the runtime pick another platform.
            return ImageSbomReader.Fail(VerificationReasons.ImageMalformed, $"{request.Digest} is an image index, not an image manifest; verify and deploy the platform manifest {manifest.Digest}.", manifest);
        }

        if (request.Policy.MaxImageSizeBytes is { } max && manifest.CompressedSize > max)
        {
            return ImageSbomReader.Fail(VerificationReasons.ImageTooLarge, string.Create(CultureInfo.InvariantCulture, $"The image is {manifest.CompressedSize} bytes, over the limit of {max} bytes."), manifest);
        }

        return null;
    }

    public void Dispose() => reader.Dispose();

    /// <summary>One pull shared by the verifications of one key that ask while it runs.</summary>
    private sealed class Flight
    {
        public TaskCompletionSource<VerificationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancel { get; } = new();

        /// <summary>Verifications waiting for it; under the verifier's flight lock.</summary>
        public int Waiters { get; set; }
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
