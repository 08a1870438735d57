using System.Text;

namespace TinyImage.Oci.Layers;

/// <summary>
/// What one image has spent of its <see cref="LayerLimits"/> so far, over all its layers: entries, name bytes and
/// uncompressed bytes. Each entry is counted as it is read, so the reader stops at the first entry over a cap.
/// </summary>
public sealed class ImageBudget(LayerLimits limits)
{
    public int Entries { get; private set; }

    public long NameBytes { get; private set; }

    public long UncompressedBytes { get; private set; }

    /// <summary>What the next layer may still decompress to: the per-layer cap or what the image has left, the smaller.</summary>
    public long RemainingUncompressed => Math.Min(limits.MaxUncompressedLayerBytes, limits.MaxUncompressedImageBytes - UncompressedBytes);

    /// <summary>Refuses a manifest with too many layers or too many bytes before anything is downloaded.</summary>
    public static void CheckManifest(ResolvedManifest manifest, LayerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(limits);
        if (manifest.Layers.Count > limits.MaxLayers)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image has {manifest.Layers.Count} layers, over the limit of {limits.MaxLayers}.");
        }

        if (manifest.CompressedSize > limits.MaxCompressedImageBytes)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image is {manifest.CompressedSize} bytes compressed, over the limit of {limits.MaxCompressedImageBytes}.");
        }
    }

    /// <summary>Counts one entry read from a layer; throws once the image has too many entries or name bytes.</summary>
    public void Count(TarEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (++Entries > limits.MaxEntries)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image has more than {limits.MaxEntries} entries.");
        }

        NameBytes += Encoding.UTF8.GetByteCount(entry.Name) + (entry.LinkTarget is { } link ? Encoding.UTF8.GetByteCount(link) : 0);
        if (NameBytes > limits.MaxTotalNameBytes)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The image's entry names take more than {limits.MaxTotalNameBytes} bytes (after {Entries} entries).");
        }
    }

    /// <summary>Adds what a layer decompressed to.</summary>
    public void AddUncompressed(long bytes) => UncompressedBytes += bytes;
}
