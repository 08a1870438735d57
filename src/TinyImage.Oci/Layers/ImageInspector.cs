using System.Text.Json;

namespace TinyImage.Oci.Layers;

/// <summary>
/// Pulls an image and reads its layers. Order matters for safety: each layer blob is first downloaded into a private temp
/// file while its sha256 is computed, and only after the digest matched is the file decompressed and parsed. Layers are
/// applied in manifest order (<see cref="ImageFilesystem"/>); then <c>/bin/&lt;binary&gt;</c> is resolved (symlinks followed
/// inside the image) and that one entry is copied out of its layer to a temp file. All layer temp files are deleted before
/// this returns; the binary's temp file is deleted when the returned <see cref="ImageInspection"/> is disposed.
/// Every file goes to the <see cref="ScratchSpace"/> given (the <c>--temp-dir</c> flag), never elsewhere.
/// Failures throw <see cref="RegistryException"/>, <see cref="ImageLayerException"/>, or <see cref="ScratchSpaceException"/>
/// when the scratch directory cannot be used (a local fault: no bare <see cref="IOException"/> leaves this class).
/// </summary>
public sealed class ImageInspector
{
    private readonly RegistryClient client;
    private readonly LayerLimits limits;
    private readonly ScratchSpace scratch;

    /// <summary>An inspector writing its temporary files to <paramref name="scratch"/> (default: <c>$TMPDIR</c>).</summary>
    public ImageInspector(RegistryClient client, LayerLimits limits, ScratchSpace? scratch = null)
    {
        this.client = client;
        this.limits = limits;
        this.scratch = scratch ?? ScratchSpace.From(null);
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
        var config = await client.GetSmallBlobAsync(image, manifest.Config, client.Options.MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        CheckConfig(config, manifest.Config.Digest!);

        var work = scratch.CreateDirectory("tinyimage-layers-");
        try
        {
            var filesystem = new ImageFilesystem(limits);
            var budget = new ImageBudget(limits);
            var layerFiles = new List<string>();
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                var path = Path.Combine(work, $"layer-{i}");
                await DownloadAsync(image, layer, path, progress, cancellationToken).ConfigureAwait(false);
                layerFiles.Add(path);
                filesystem.ApplyLayer(i, await ReadEntriesAsync(path, budget, cancellationToken).ConfigureAwait(false));
            }

            var name = binaryName ?? filesystem.SoleEntryInBin()
                ?? throw new ImageLayerException(LayerErrorKind.BinaryNotFound, "No binary name was given and /bin does not hold exactly one entry.");
            var (binaryPath, node) = filesystem.ResolveFile("/bin/" + name);
            var binary = await ExtractAsync(layerFiles[node.Layer], node.Ordinal, cancellationToken).ConfigureAwait(false);
            return new ImageInspection(manifest, filesystem.Files, "/bin/" + name, binaryPath, binary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Network errors arrive as RegistryException (DigestVerifyingStream); what is left is the local disk.
            throw scratch.Failure("write to", e);
        }
        finally
        {
            ScratchSpace.DeleteDirectory(work);
        }
    }

    private async Task DownloadAsync(ImageReference image, OciDescriptor layer, string path, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        var perBlob = progress is null ? null : new SynchronousProgress(done => progress.Report(new BlobProgress(layer.Digest!, done, layer.Size)));
        await using var file = scratch.CreateFile(path);
        await client.DownloadBlobAsync(image, layer, file, client.Options.MaxLayerBytes, perBlob, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every entry header of a verified layer file (data is skipped), each counted against the image's
    /// <paramref name="budget"/> as it is read: the first entry over a cap ends the read.
    /// </summary>
    private async Task<List<TarEntry>> ReadEntriesAsync(string path, ImageBudget budget, CancellationToken cancellationToken)
    {
        if (budget.RemainingUncompressed <= 0)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image is larger than {limits.MaxUncompressedImageBytes} bytes uncompressed.");
        }

        await using var tar = LayerDecompression.Open(scratch.OpenRead(path), limits, budget.RemainingUncompressed);
        var reader = new TarStreamReader(tar, limits);
        var entries = new List<TarEntry>();
        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            budget.Count(entry);
            entries.Add(entry);
        }

        budget.AddUncompressed(((ReadOnlyStream)tar).BytesRead);
        return entries;
    }

    /// <summary>Copies entry <paramref name="ordinal"/> of a verified layer into a temp file deleted on close.</summary>
    private async Task<FileStream> ExtractAsync(string layerPath, int ordinal, CancellationToken cancellationToken)
    {
        await using var tar = LayerDecompression.Open(scratch.OpenRead(layerPath), limits);
        var reader = new TarStreamReader(tar, limits);
        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.Ordinal != ordinal)
            {
                continue;
            }

            var target = scratch.CreateDeleteOnClose("tinyimage-binary-");
            try
            {
                await reader.CopyDataAsync(target, limits.MaxEntryBytes, cancellationToken).ConfigureAwait(false);
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                target.Position = 0;
                return target;
            }
            catch
            {
                await target.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw new ImageLayerException(LayerErrorKind.Malformed, $"Entry {ordinal} vanished from a layer between two reads.");
    }

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
