using System.IO.Compression;
using ZstdSharp;

namespace TinyImage.Oci.Layers;

/// <summary>
/// Opens a layer blob as a tar stream, as it arrives (nothing is written anywhere). The compression is recognised by its magic bytes (gzip <c>1f 8b</c>, zstd
/// <c>28 b5 2f fd</c>, anything else is taken as plain tar), not by the media type, which registries and builders
/// sometimes get wrong. The result counts uncompressed bytes and stops at <see cref="LayerLimits.MaxUncompressedLayerBytes"/>
/// (or what the image has left); a zstd frame asking for a window over <see cref="LayerLimits.MaxZstdWindowLog"/> is refused.
/// </summary>
public static class LayerDecompression
{
    /// <param name="blob">The layer blob as it arrives (forward-only: its first bytes are read here to tell the compression).</param>
    /// <param name="limits">The caps (the zstd window among them).</param>
    /// <param name="maxUncompressed">The most bytes the layer may decompress to; null: <see cref="LayerLimits.MaxUncompressedLayerBytes"/>.</param>
    /// <param name="cancellationToken">Cancels the read of the magic bytes.</param>
    public static async Task<ReadOnlyStream> OpenAsync(Stream blob, LayerLimits limits, long? maxUncompressed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(limits);
        var magic = new byte[4];
        var n = await blob.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        Stream source = new PrefixedReadStream(magic.AsMemory(0, n), blob);
        Stream tar;
        if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            tar = new GZipStream(source, CompressionMode.Decompress, leaveOpen: false);
        }
        else if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            // The frame header names the window the decoder allocates: cap it before the first read, not after.
            var zstd = new DecompressionStream(source, leaveOpen: false);
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_dParameter.ZSTD_d_windowLogMax, limits.MaxZstdWindowLog);
            tar = zstd;
        }
        else
        {
            tar = source;
        }

        return new LimitedReadStream(tar, maxUncompressed ?? limits.MaxUncompressedLayerBytes);
    }
}
