using System.IO.Compression;
using ZstdSharp;

namespace TinyImage.Oci.Layers;

/// <summary>
/// Opens a layer blob as a tar stream. The compression is recognised by its magic bytes (gzip <c>1f 8b</c>, zstd
/// <c>28 b5 2f fd</c>, anything else is taken as plain tar), not by the media type, which registries and builders
/// sometimes get wrong. The result counts uncompressed bytes and stops at <see cref="LayerLimits.MaxUncompressedLayerBytes"/>.
/// </summary>
public static class LayerDecompression
{
    public static Stream Open(Stream blob, LayerLimits limits)
    {
        if (!blob.CanSeek)
        {
            throw new ArgumentException("The layer blob must be seekable (a verified temp file).", nameof(blob));
        }

        Span<byte> magic = stackalloc byte[4];
        var start = blob.Position;
        var n = blob.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        blob.Position = start;
        Stream tar;
        if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            tar = new GZipStream(blob, CompressionMode.Decompress, leaveOpen: false);
        }
        else if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            tar = new DecompressionStream(blob, leaveOpen: false);
        }
        else
        {
            tar = blob;
        }

        return new LimitedReadStream(tar, limits.MaxUncompressedLayerBytes);
    }
}
