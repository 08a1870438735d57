using System.IO.Compression;

namespace TinyImage.Sbom;

/// <summary>
/// Turns the raw bytes of an audit section into a validated <see cref="AuditData"/>: zlib (RFC 1950) inflate with a
/// cap, strict UTF-8, JSON with a depth limit, then the checks of <see cref="AuditJsonParser"/>.
/// </summary>
public static class AuditDataDecoder
{
    /// <summary>The cap on decompressed JSON, as in cargo-auditable's reference reader (8 MiB).</summary>
    public const int MaxDecompressedBytes = 8 * 1024 * 1024;

    public static SbomOutcome<AuditData> Decode(byte[] compressed, int maxDecompressedBytes = MaxDecompressedBytes)
    {
        var inflated = Inflate(compressed, maxDecompressedBytes);
        return inflated.IsSuccess ? AuditJsonParser.Parse(inflated.Value) : SbomOutcome<AuditData>.Fail(inflated.Failure);
    }

    /// <summary>Inflates a zlib stream, refusing input or output larger than <paramref name="maxDecompressedBytes"/>.</summary>
    public static SbomOutcome<byte[]> Inflate(byte[] compressed, int maxDecompressedBytes = MaxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDecompressedBytes);
        if (compressed.Length > maxDecompressedBytes)
        {
            return SbomOutcome<byte[]>.Fail(SbomError.CompressedTooLarge, $"The compressed section is {compressed.Length} bytes, more than the {maxDecompressedBytes}-byte cap on the decompressed data.");
        }

        if (CheckHeader(compressed) is { } bad)
        {
            return SbomOutcome<byte[]>.Fail(SbomError.ZlibInvalid, bad);
        }

        var buffer = new byte[Math.Min(maxDecompressedBytes + 1L, Math.Max(4096L, compressed.Length * 4L))];
        var total = 0;
        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            while (true)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(maxDecompressedBytes + 1L, buffer.Length * 2L));
                }

                var n = zlib.Read(buffer, total, buffer.Length - total);
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (total > maxDecompressedBytes)
                {
                    return SbomOutcome<byte[]>.Fail(SbomError.DecompressedTooLarge, $"The section inflates to more than the {maxDecompressedBytes}-byte cap ({compressed.Length} bytes compressed).");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return SbomOutcome<byte[]>.Fail(SbomError.ZlibInvalid, $"The zlib stream is corrupt: {ex.Message}");
        }

        if (total == 0)
        {
            return SbomOutcome<byte[]>.Fail(SbomError.ZlibInvalid, "The zlib stream is truncated or empty: it inflates to no bytes.");
        }

        // ZLibStream returns what it could inflate from a truncated stream without an error, and checks the
        // Adler-32 trailer only when it is present: require the trailer (after any zero padding) ourselves.
        var output = buffer.AsSpan(0, total).ToArray();
        if (!EndsWithChecksum(compressed, Adler32(output)))
        {
            return SbomOutcome<byte[]>.Fail(SbomError.ZlibInvalid, "The zlib stream is truncated: it does not end with the Adler-32 checksum of its content.");
        }

        return SbomOutcome<byte[]>.Ok(output);
    }

    private static bool EndsWithChecksum(ReadOnlySpan<byte> data, uint adler)
    {
        Span<byte> expected = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(expected, adler);
        var end = data.Length;
        while (end >= 4)
        {
            if (data[(end - 4)..end].SequenceEqual(expected))
            {
                return true;
            }

            if (data[end - 1] != 0)
            {
                return false;
            }

            end--;
        }

        return false;
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Mod = 65521;
        const int Chunk = 5552;
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var n = Math.Min(Chunk, data.Length);
            foreach (var x in data[..n])
            {
                a += x;
                b += a;
            }

            a %= Mod;
            b %= Mod;
            data = data[n..];
        }

        return (b << 16) | a;
    }

    /// <summary>RFC 1950 header: CM 8 (deflate), CINFO at most 7, FCHECK consistent, no preset dictionary.</summary>
    private static string? CheckHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return $"The section is {data.Length} bytes, too short for a zlib header.";
        }

        int cmf = data[0];
        int flg = data[1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7)
        {
            return $"The zlib header byte 0x{cmf:X2} does not name deflate with a window of at most 32 KiB.";
        }

        if (((cmf << 8) | flg) % 31 != 0)
        {
            return $"The zlib header 0x{cmf:X2}{flg:X2} fails its check bits.";
        }

        if ((flg & 0x20) != 0)
        {
            return "The zlib header asks for a preset dictionary, which cargo-auditable never uses.";
        }

        return null;
    }
}
