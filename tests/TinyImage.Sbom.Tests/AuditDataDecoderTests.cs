using System.IO.Compression;
using System.Text;
using TinyImage.Sbom;
using Xunit;
using static TinyImage.Testing.SyntheticBinaries;

namespace TinyImage.Sbom.Tests;

public sealed class AuditDataDecoderTests
{
    private static void AssertError(SbomError expected, SbomOutcome<AuditData> result)
    {
        Assert.False(result.IsSuccess, $"expected {expected}, got success");
        Assert.Equal(expected, result.Failure.Error);
    }

    [Fact]
    public void Decoder_Refuses_A_Zlib_Bomb_With_Bounded_Allocation()
    {
        // 64 MiB of zeros compresses to about 64 KiB (deflate's ratio tops out near 1:1000).
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                z.Write(zeros);
            }
        }

        var bomb = ms.ToArray();
        Assert.True(bomb.Length < 1024 * 1024, $"bomb is {bomb.Length} bytes");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = AuditDataDecoder.Decode(bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Current.TestOutputHelper?.WriteLine($"bomb: {bomb.Length} bytes compressed, {allocated} bytes allocated while refusing it");
        AssertError(SbomError.DecompressedTooLarge, result);
        Assert.True(allocated < 40L * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Decoder_Refuses_Compressed_Input_Larger_Than_The_Cap_Before_Inflating()
    {
        var big = new byte[AuditDataDecoder.MaxDecompressedBytes + 1];
        big[0] = 0x78;
        big[1] = 0x9C;

        AssertError(SbomError.CompressedTooLarge, AuditDataDecoder.Decode(big));
    }

    [Fact]
    public void Decoder_Accepts_Data_Exactly_At_A_Small_Cap_And_Refuses_One_Byte_More()
    {
        var json = Encoding.UTF8.GetBytes(ValidJson);

        Assert.True(AuditDataDecoder.Decode(Zlib(json), json.Length).IsSuccess);
        AssertError(SbomError.DecompressedTooLarge, AuditDataDecoder.Decode(Zlib(json), json.Length - 1));
    }

    [Fact]
    public void Decoder_Rejects_Streams_That_Are_Not_Zlib()
    {
        var json = Encoding.UTF8.GetBytes(ValidJson);
        using var gzip = new MemoryStream();
        using (var g = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            g.Write(json);
        }

        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode(gzip.ToArray()));
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode(json));
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode([]));
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode([0x78]));
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode([0x78, 0x9D, 1, 2, 3])); // FCHECK wrong
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode([0x78, 0xBB, 0, 0, 0, 0])); // FDICT set (0x78BB % 31 == 0)
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode([0x88, 0x98, 1, 2])); // CINFO 8
    }

    [Fact]
    public void Decoder_Rejects_Truncated_Corrupt_And_Checksum_Mismatched_Streams()
    {
        var good = ValidPayload();
        for (var cut = 2; cut < good.Length; cut++)
        {
            AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode(good[..cut]));
        }

        var checksum = (byte[])good.Clone();
        checksum[^1] ^= 0x01;
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode(checksum));

        var corrupt = (byte[])good.Clone();
        corrupt[2] = 0xFF; // reserved block type 3
        AssertError(SbomError.ZlibInvalid, AuditDataDecoder.Decode(corrupt));
    }

    [Fact]
    public void Decoder_Accepts_Zero_Padding_After_The_Stream()
    {
        byte[] padded = [.. ValidPayload(), 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.True(AuditDataDecoder.Decode(padded).IsSuccess);
    }

    [Fact]
    public void Decoder_Returns_The_Decompressed_Bytes_Exactly()
    {
        var result = AuditDataDecoder.Decode(ValidPayload());

        Assert.Equal(Encoding.UTF8.GetBytes(ValidJson), result.Value!.Json.ToArray());
    }
}
