using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace TinyImage.Oci.Tests;

/// <summary>
/// Layers and images an attacker would push, small on the wire and large once read: written straight into the compressor
/// so the test itself never holds the expanded form.
/// </summary>
internal static class HostileLayers
{
    /// <summary>A gzip layer of <paramref name="entries"/> PAX entries whose names are <paramref name="nameLength"/> characters long.</summary>
    public static TestBlob PaxNameFlood(int entries, int nameLength)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var stem = new string('n', nameLength - 8);
            for (var i = 0; i < entries; i++)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, stem + i.ToString("D8", CultureInfo.InvariantCulture)));
            }
        }

        return new TestBlob(buffer.ToArray(), OciMediaTypes.OciLayerGzip);
    }

    /// <summary>A gzip layer holding one file of <paramref name="bytes"/> zeros.</summary>
    public static TestBlob GzipBomb(long bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            WriteZeroFile(gzip, "bin/zeros", bytes);
        }

        return new TestBlob(buffer.ToArray(), OciMediaTypes.OciLayerGzip);
    }

    /// <summary>A zstd layer of <paramref name="bytes"/> zeros compressed with a window of 2^<paramref name="windowLog"/> bytes.</summary>
    public static TestBlob ZstdBomb(long bytes, int windowLog)
    {
        using var buffer = new MemoryStream();
        using (var zstd = new CompressionStream(buffer, level: 3, leaveOpen: true))
        {
            zstd.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, windowLog);
            WriteZeroFile(zstd, "bin/zeros", bytes);
        }

        return new TestBlob(buffer.ToArray(), OciMediaTypes.OciLayerZstd);
    }

    /// <summary>An image manifest naming <paramref name="count"/> layers (none of them stored: nothing should fetch them).</summary>
    public static TestImage ManyLayers(int count)
    {
        var layers = Enumerable.Range(0, count)
            .Select(i => new TestBlob(Encoding.UTF8.GetBytes("layer " + i.ToString(CultureInfo.InvariantCulture)), OciMediaTypes.OciLayerGzip))
            .ToList();
        return TestImageBuilder.Image(layers);
    }

    /// <summary>An image manifest naming one small layer <paramref name="count"/> times (a registry stores the blob once).</summary>
    public static TestImage RepeatedLayer(int count)
    {
        var layer = TestImageBuilder.GzipLayer(TestImageBuilder.File("bin/app", "x"));
        return TestImageBuilder.Image(Enumerable.Repeat(layer, count));
    }

    private static void WriteZeroFile(Stream destination, string name, long bytes)
    {
        // A ustar header, then the zeros in chunks, then the padding and the end-of-archive marker.
        using (var header = new MemoryStream())
        {
            using (var writer = new TarWriter(header, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/"));
            }

            // Drop the writer's end-of-archive blocks (two zero blocks): the next entry follows.
            destination.Write(header.GetBuffer().AsSpan(0, (int)header.Length - 1024));
        }

        var entryHeader = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(entryHeader, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(entryHeader, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(entryHeader, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(entryHeader, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(bytes, 8).PadLeft(11, '0') + "\0").CopyTo(entryHeader, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(entryHeader, 136);
        entryHeader[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(entryHeader, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(entryHeader, 148);
        var sum = entryHeader.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(entryHeader, 148);
        destination.Write(entryHeader);
        var chunk = new byte[1 << 20];
        for (var left = bytes; left > 0; left -= chunk.Length)
        {
            destination.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }

        destination.Write(new byte[(512 - (bytes % 512)) % 512]);
        destination.Write(new byte[1024]);
    }
}
