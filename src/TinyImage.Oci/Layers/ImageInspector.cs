using System.Text.Json;

namespace TinyImage.Oci.Layers;

/// <summary>
/// Pulls an image and reads its layers, each in one streaming pass: the blob is hashed (<see cref="DigestVerifyingStream"/>),
/// decompressed and walked as a tar as it arrives (a large layer read and hashed on one task, inflated and walked on another:
/// <see cref="LayerPump"/>), and the entries that may be the binary are kept (<see cref="BinaryCapture"/>:
/// in memory up to the shared <see cref="MemoryBudget"/>, else in a scratch file). Nothing read from a layer is trusted before
/// its digest matched: a layer's entries are applied to the image (<see cref="ImageFilesystem"/>, in manifest order, with
/// whiteouts) only after its last byte was hashed, and when the walk refuses a layer (malformed, over a cap) the rest of the
/// blob is still read and hashed, so a tampered blob is a <see cref="RegistryErrorKind.DigestMismatch"/>, never a verdict on
/// the image. Then <c>/bin/&lt;binary&gt;</c> is resolved (symlinks followed inside the image) and its captured data handed
/// out; an entry the pass did not foresee (a hardlink's data, say) is read again from its layer, verified the same way.
/// The binary's stream is released (memory or scratch file) when the returned <see cref="ImageInspection"/> is disposed.
/// Failures throw <see cref="RegistryException"/>, <see cref="ImageLayerException"/>, or <see cref="ScratchSpaceException"/>
/// when the scratch directory cannot be used (a local fault: no bare <see cref="IOException"/> leaves this class).
/// </summary>
public sealed class ImageInspector
{
    /// <summary>The read size from the network: large enough that hashing and inflating run on big chunks.</summary>
    private const int NetworkBuffer = 128 * 1024;

    /// <summary>
    /// The compressed size from which a layer is hashed on one task and inflated on another (<see cref="LayerPump"/>). Below
    /// it the hand-offs between the two cost more than the overlap saves (BENCHMARKS.md, section 5).
    /// </summary>
    internal const long PipelineMinBytes = 8L * 1024 * 1024;

    /// <summary>The layers this inspector read on two tasks (<see cref="LayerPump"/>) so far.</summary>
    internal int LayersOnTwoTasks => Volatile.Read(ref layersOnTwoTasks);

    private readonly RegistryClient client;
    private readonly LayerLimits limits;
    private readonly ScratchSpace scratch;
    private readonly MemoryBudget memory;
    private int layersOnTwoTasks;

    /// <summary>
    /// An inspector writing its temporary files (binaries over the memory budget) to <paramref name="scratch"/> (default:
    /// <c>$TMPDIR</c>), holding binaries in memory within <paramref name="memory"/> (default: a budget of its own of
    /// <see cref="LayerLimits.MaxBinaryBytesInMemory"/>).
    /// </summary>
    public ImageInspector(RegistryClient client, LayerLimits limits, ScratchSpace? scratch = null, MemoryBudget? memory = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        this.client = client;
        this.limits = limits;
        this.scratch = scratch ?? ScratchSpace.From(null);
        this.memory = memory ?? new MemoryBudget(limits.MaxBinaryBytesInMemory);
    }

    /// <summary>Progress of a blob download: digest, bytes so far, total bytes.</summary>
    public sealed record BlobProgress(string Digest, long BytesDone, long TotalBytes);

    /// <summary>Resolves the manifest of <paramref name="image"/> (by digest when it carries one); see <see cref="InspectAsync(ResolvedManifest, string, IProgress{BlobProgress}?, CancellationToken)"/>.</summary>
    public async Task<ImageInspection> InspectAsync(ImageReference image, string? binaryName, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        var manifest = await client.GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
        return await InspectAsync(manifest, binaryName, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads and verifies the config and every layer, builds the file list and extracts <c>/bin/<paramref name="binaryName"/></c>.
    /// With a null <paramref name="binaryName"/> the only entry in <c>/bin</c> is taken (BinaryNotFound when there are none or several).
    /// </summary>
    public async Task<ImageInspection> InspectAsync(ResolvedManifest manifest, string? binaryName, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        if (binaryName is not null && (binaryName.Length == 0 || binaryName.Contains('/', StringComparison.Ordinal) || binaryName is "." or ".." || binaryName.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The binary name '{binaryName}' is not a single file name.", nameof(binaryName));
        }

        ArgumentNullException.ThrowIfNull(manifest);
        ImageBudget.CheckManifest(manifest, limits);
        var image = manifest.Image;

        // The config is fetched beside the first layer (the binary's name never comes from it): one round trip less.
        using var configCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var config = FetchConfigAsync(image, manifest.Config, configCancel.Token);
        var configAwaited = false;
        try
        {
            var filesystem = new ImageFilesystem(limits);
            var budget = new ImageBudget(limits);
            using var capture = new BinaryCapture(binaryName, memory, scratch, limits.MaxEntryBytes);
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                capture.PrepareLayer(filesystem);
                var entries = await ReadLayerAsync(image, manifest.Layers[i], i, budget, capture, progress, cancellationToken).ConfigureAwait(false);
                filesystem.ApplyLayer(i, entries); // only now: the layer's digest matched
            }

            var name = binaryName ?? filesystem.SoleEntryInBin()
                ?? throw new ImageLayerException(LayerErrorKind.BinaryNotFound, "No binary name was given and /bin does not hold exactly one entry.");
            configAwaited = true;
            await config.ConfigureAwait(false);
            var (binaryPath, node) = filesystem.ResolveFile("/bin/" + name);
            var binary = capture.Take(node.Layer, node.Ordinal)
                ?? await ReadEntryAgainAsync(image, manifest.Layers[node.Layer], node.Layer, node.Ordinal, cancellationToken).ConfigureAwait(false);
            return new ImageInspection(manifest, filesystem.Files, "/bin/" + name, binaryPath, binary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Network errors arrive as RegistryException (DigestVerifyingStream); what is left is the local disk.
            throw scratch.Failure("write to", e);
        }
        finally
        {
            if (!configAwaited)
            {
                // The layers failed first: their error is the one reported; the config's fetch is stopped and observed.
                await configCancel.CancelAsync().ConfigureAwait(false);
                await config.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fetches the config (verified, bounded) and checks it is a JSON object.</summary>
    private async Task FetchConfigAsync(ImageReference image, OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        var config = await client.GetSmallBlobAsync(image, descriptor, client.Options.MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        CheckConfig(config, descriptor.Digest!);
    }

    /// <summary>
    /// One pass over a layer blob: hashed, decompressed and walked as it arrives; every entry header counted against the
    /// image's <paramref name="budget"/> as it is read (the first entry over a cap ends the walk), the possible binaries
    /// captured. Returns the entries only once the blob's digest matched.
    /// </summary>
    private async Task<List<TarEntry>> ReadLayerAsync(ImageReference image, OciDescriptor layer, int index, ImageBudget budget, BinaryCapture capture, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        if (budget.RemainingUncompressed <= 0)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image is larger than {limits.MaxUncompressedImageBytes} bytes uncompressed.");
        }

        var entries = new List<TarEntry>();
        await WalkVerifiedAsync(
            image,
            layer,
            budget.RemainingUncompressed,
            progress,
            async (reader, tar) =>
            {
                while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    budget.Count(entry);
                    entries.Add(entry);
                    if (capture.Wants(entry))
                    {
                        await capture.CaptureAsync(reader, entry, index, cancellationToken).ConfigureAwait(false);
                    }
                }

                budget.AddUncompressed(tar.BytesRead);
            },
            cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <summary>
    /// Reads entry <paramref name="ordinal"/> of a layer again (an entry the first pass did not keep), from a new download
    /// verified like the first.
    /// </summary>
    private async Task<Stream> ReadEntryAgainAsync(ImageReference image, OciDescriptor layer, int index, int ordinal, CancellationToken cancellationToken)
    {
        CapturedFile? found = null;
        try
        {
            await WalkVerifiedAsync(
                image,
                layer,
                limits.MaxUncompressedLayerBytes,
                null,
                async (reader, _) =>
                {
                    while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (entry.Ordinal == ordinal)
                        {
                            found = await CapturedFile.ReadAsync(reader, entry, index, memory, scratch, limits.MaxEntryBytes, cancellationToken).ConfigureAwait(false);
                            return;
                        }
                    }
                },
                cancellationToken).ConfigureAwait(false);
            var data = found?.Data ?? throw new ImageLayerException(LayerErrorKind.Malformed, $"Entry {ordinal} vanished from a layer between two reads.");
            found = null;
            return data;
        }
        finally
        {
            found?.Dispose();
        }
    }

    /// <summary>
    /// Downloads a layer blob and runs <paramref name="walk"/> over its tar stream as the bytes arrive, then reads the rest of
    /// the blob so its size and digest are checked. A refusal by the walk (<see cref="ImageLayerException"/>) is thrown only
    /// after the digest matched: a blob that does not match is a <see cref="RegistryErrorKind.DigestMismatch"/> whatever it held.
    /// A layer of <see cref="PipelineMinBytes"/> or more is read and hashed on a task of its own (<see cref="LayerPump"/>), beside
    /// the walk that inflates it, when the memory budget holds the pipe; any other is read, hashed and inflated on one task.
    /// </summary>
    private async Task WalkVerifiedAsync(ImageReference image, OciDescriptor layer, long maxUncompressed, IProgress<BlobProgress>? progress, Func<TarStreamReader, ReadOnlyStream, Task> walk, CancellationToken cancellationToken)
    {
        await using var blob = await client.OpenBlobAsync(image, layer, client.Options.MaxLayerBytes, cancellationToken).ConfigureAwait(false);
        // The pipe's bytes count against the memory budget the binaries share, so that concurrent pulls of large layers stay
        // within it; when they do not fit, the layer takes the one-task pass.
        using var pipeMemory = layer.Size >= PipelineMinBytes ? memory.TryReserve(LayerPump.MaxAheadBytes) : null;
        await using var pump = pipeMemory is not null ? new LayerPump(WithProgress(blob, layer, progress), cancellationToken) : null;
        if (pump is not null)
        {
            Interlocked.Increment(ref layersOnTwoTasks);
        }

        // The pump's output is the pump's to dispose.
        await using var buffered = pump is null ? new BufferedStream(WithProgress(blob, layer, progress), NetworkBuffer) : null;
        var source = buffered ?? pump!.Output;
        ReadOnlyStream? tar = null;
        try
        {
            ImageLayerException? refused = null;
            try
            {
                tar = await LayerDecompression.OpenAsync(source, limits, maxUncompressed, cancellationToken).ConfigureAwait(false);
                await walk(new TarStreamReader(tar, limits), tar).ConfigureAwait(false);
            }
            catch (ImageLayerException e)
            {
                // A verdict on this layer, but only once its bytes are known to be the layer's: hash the rest first.
                refused = e;
            }

            if (pump is not null)
            {
                await pump.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var buffer = new byte[NetworkBuffer];
                while (await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
                {
                }
            }

            if (!blob.Verified)
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Blob {layer.Digest} was not verified.");
            }

            if (refused is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused);
            }
        }
        finally
        {
            if (tar is not null)
            {
                await tar.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Stream WithProgress(DigestVerifyingStream blob, OciDescriptor layer, IProgress<BlobProgress>? progress) =>
        progress is null ? blob : new ProgressReadStream(blob, new SynchronousProgress(done => progress.Report(new BlobProgress(layer.Digest!, done, layer.Size))));

    /// <summary>Reports on the downloading thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private static void CheckConfig(byte[] config, string digest)
    {
        try
        {
            _ = JsonSerializer.Deserialize(config, RegistryJsonContext.Default.OciImageConfig)
                ?? throw new RegistryException(RegistryErrorKind.Malformed, $"The image config {digest} is JSON null.");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The image config {digest} is not a JSON object: {e.Message}", e);
        }
    }
}
