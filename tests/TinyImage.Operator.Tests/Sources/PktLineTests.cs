using System.Globalization;
using System.Text;
using TinyImage.Operator.Sources;
using Xunit;

namespace TinyImage.Operator.Tests.Sources;

public sealed class PktLineTests
{
    private const string Main = "1111111111111111111111111111111111111111";
    private const string Dev = "2222222222222222222222222222222222222222";
    private const string TagObject = "3333333333333333333333333333333333333333";
    private const string TagCommit = "4444444444444444444444444444444444444444";

    /// <summary>Frames each line as a pkt-line; null is a flush packet.</summary>
    public static byte[] Frame(params string?[] lines)
    {
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Append(line is null ? "0000" : (Encoding.UTF8.GetByteCount(line) + 4).ToString("x4", CultureInfo.InvariantCulture) + line);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Advertisement(params string[] refLines) =>
        Frame(["# service=git-upload-pack\n", null, .. refLines, null]);

    [Fact]
    public void A_Git_Http_Backend_Advertisement_Yields_Refs_Peeled_Tags_Capabilities_And_The_Head_Target()
    {
        var refs = PktLine.ParseAdvertisement(Advertisement(
            Main + " HEAD\0multi_ack thin-pack side-band symref=HEAD:refs/heads/main object-format=sha1 agent=git/2.39.5\n",
            Main + " refs/heads/main\n",
            Dev + " refs/heads/dev\n",
            TagObject + " refs/tags/v1\n",
            TagCommit + " refs/tags/v1^{}\n"));

        Assert.Equal(Main, refs.Refs["HEAD"]);
        Assert.Equal(Dev, refs.CommitOf("refs/heads/dev"));
        Assert.Equal(TagCommit, refs.CommitOf("refs/tags/v1"));
        Assert.Equal(TagObject, refs.Refs["refs/tags/v1"]);
        Assert.Equal("refs/heads/main", refs.HeadTarget);
        Assert.Contains("thin-pack", refs.Capabilities);
        Assert.Null(refs.CommitOf("refs/heads/missing"));
    }

    [Fact]
    public void A_Lightweight_Tag_Resolves_To_Its_Own_Object_Id()
    {
        var refs = PktLine.ParseAdvertisement(Advertisement(Main + " refs/tags/light\0agent=x\n"));
        Assert.Equal(Main, refs.CommitOf("refs/tags/light"));
        Assert.Null(refs.HeadTarget);
    }

    [Fact]
    public void An_Empty_Repository_Advertises_No_Refs()
    {
        var refs = PktLine.ParseAdvertisement(Advertisement(new string('0', 40) + " capabilities^{}\0report-status\n"));
        Assert.Empty(refs.Refs);
        Assert.Equal(["report-status"], refs.Capabilities);
    }

    [Fact]
    public void Upper_Case_Hex_In_Headers_And_Ids_Is_Accepted_And_Ids_Come_Out_Lower_Case()
    {
        var body = Encoding.ASCII.GetString(Advertisement("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA refs/heads/main\0x\n"));
        var refs = PktLine.ParseAdvertisement(Encoding.ASCII.GetBytes(body.Replace("001e#", "001E#", StringComparison.Ordinal)));
        Assert.Equal(new string('a', 40), refs.Refs["refs/heads/main"]);
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "empty body", [], "announcement" },
        { "a dumb-HTTP info/refs text", Encoding.ASCII.GetBytes(Main + "\trefs/heads/main\n"), "declares 4369 bytes" },
        { "no announcement", Frame(Main + " refs/heads/main\0x\n", null), "expected '# service=git-upload-pack'" },
        { "no flush after the announcement", Frame("# service=git-upload-pack\n", Main + " refs/heads/main\0x\n", null), "no flush packet after the service announcement" },
        { "no final flush", Frame("# service=git-upload-pack\n", null, Main + " refs/heads/main\0x\n"), "does not end with a flush packet" },
        { "truncated header", [.. Advertisement(Main + " refs/heads/main\0x\n"), (byte)'0', (byte)'0'], "truncated pkt-line header" },
        { "a length longer than the body", Encoding.ASCII.GetBytes("001e# service=git-upload-pack\n00000100" + Main), "declares 256 bytes" },
        { "a length over the pkt-line maximum", Encoding.ASCII.GetBytes("001e# service=git-upload-pack\n0000fff1" + Main), "exceeds the maximum 65520" },
        { "length 3", Encoding.ASCII.GetBytes("0003"), "length 3" },
        { "a protocol v2 delimiter", Encoding.ASCII.GetBytes("001e# service=git-upload-pack\n00000001"), "protocol v2" },
        { "no capabilities on the first ref", Advertisement(Main + " refs/heads/main\n"), "no capabilities" },
        { "a short object id", Advertisement("1234 refs/heads/main\0x\n"), "is not '<object id> <ref name>'" },
        { "a non-hex object id", Advertisement(new string('g', 40) + " refs/heads/main\0x\n"), "is not '<object id> <ref name>'" },
        { "a ref name with a control character", Advertisement(Main + " refs/heads/a\u0001b\0x\n"), "invalid ref name 'refs/heads/a\\x01b'" },
        { "a NUL on a later line", Advertisement(Main + " refs/heads/main\0x\n", Dev + " refs/heads/dev\0y\n"), "holds a NUL byte" },
        { "packets after the final flush", [.. Advertisement(Main + " refs/heads/main\0x\n"), .. Frame("extra\n")], "unexpected pkt-line" },
        { "a header of non-hex characters", Encoding.ASCII.GetBytes("zz1e# service"), "not four hex digits" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_Input_Is_Refused_With_A_Clear_Error(string what, byte[] body, string expected)
    {
        var e = Assert.Throws<GitProtocolException>(() => PktLine.ParseAdvertisement(body));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), what + ": " + e.Message);
    }

    [Fact]
    public void A_Flush_Packet_Splits_As_Null_And_A_Line_Keeps_Its_Bytes()
    {
        var packets = PktLine.Split(Encoding.ASCII.GetBytes("0006a\n00000004"));
        Assert.Equal(3, packets.Count);
        Assert.Equal("a\n"u8.ToArray(), packets[0]);
        Assert.Null(packets[1]);
        Assert.Empty(packets[2]!);
    }
}
