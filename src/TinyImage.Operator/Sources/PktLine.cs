using System.Globalization;
using System.Text;

namespace TinyImage.Operator.Sources;

/// <summary>
/// The pkt-line framing of git's wire protocol (gitprotocol-common(5)): four lowercase-or-uppercase hex digits give the
/// length of the line including themselves; <c>0000</c> is a flush packet; <c>0001</c> and <c>0002</c> (delim and
/// response-end) belong to protocol v2, which is never asked for, so they are refused here. A line's payload is at most
/// 65516 bytes. <see cref="ParseAdvertisement"/> reads the smart-HTTP answer to
/// <c>GET info/refs?service=git-upload-pack</c>: the service announcement, a flush, then the ref lines and a flush.
/// Every malformed input is a <see cref="GitProtocolException"/> saying what and where.
/// </summary>
internal static class PktLine
{
    /// <summary>The largest pkt-line, header included (LARGE_PACKET_MAX).</summary>
    public const int MaxLength = 65520;

    private const string Service = "# service=git-upload-pack";

    /// <summary>
    /// Splits <paramref name="data"/> into packets: a payload, or null for a flush packet. Throws on a bad header, a
    /// reserved length, a line longer than <see cref="MaxLength"/> or a line cut short.
    /// </summary>
    public static List<byte[]?> Split(ReadOnlySpan<byte> data)
    {
        var packets = new List<byte[]?>();
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                throw new GitProtocolException($"truncated pkt-line header at byte {offset}: {data.Length - offset} bytes left, 4 needed");
            }

            var header = Encoding.ASCII.GetString(data.Slice(offset, 4));
            if (!int.TryParse(header, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length) || header.Any(c => !char.IsAsciiHexDigit(c)))
            {
                throw new GitProtocolException($"bad pkt-line header '{Printable(header)}' at byte {offset}: not four hex digits");
            }

            switch (length)
            {
                case 0:
                    packets.Add(null);
                    offset += 4;
                    continue;
                case 1 or 2:
                    throw new GitProtocolException($"pkt-line '{header}' at byte {offset} is a protocol v2 delimiter; the server must answer in protocol v0/v1");
                case 3:
                    throw new GitProtocolException($"pkt-line length 3 at byte {offset} is invalid (shorter than its own header)");
                case > MaxLength:
                    throw new GitProtocolException($"pkt-line length {length} at byte {offset} exceeds the maximum {MaxLength}");
            }

            if (offset + length > data.Length)
            {
                throw new GitProtocolException($"pkt-line at byte {offset} declares {length} bytes but only {data.Length - offset} remain");
            }

            packets.Add(data.Slice(offset + 4, length - 4).ToArray());
            offset += length;
        }

        return packets;
    }

    /// <summary>Parses the ref advertisement of a smart-HTTP <c>info/refs?service=git-upload-pack</c> response body.</summary>
    public static GitRefAdvertisement ParseAdvertisement(ReadOnlySpan<byte> body)
    {
        var packets = Split(body);
        if (packets.Count == 0 || packets[0] is not { } first)
        {
            throw new GitProtocolException("the response does not start with the '" + Service + "' announcement (is this a smart-HTTP git server?)");
        }

        if (Line(first) != Service)
        {
            throw new GitProtocolException("the first pkt-line is '" + Printable(Line(first)) + "', expected '" + Service + "'");
        }

        if (packets.Count < 2 || packets[1] is not null)
        {
            throw new GitProtocolException("no flush packet after the service announcement");
        }

        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        var peeled = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<string> capabilities = [];
        var index = 2;
        var flushed = false;
        for (; index < packets.Count; index++)
        {
            if (packets[index] is not { } payload)
            {
                flushed = true;
                index++;
                break;
            }

            var line = Line(payload);
            if (index == 2)
            {
                var nul = line.IndexOf('\0', StringComparison.Ordinal);
                if (nul < 0)
                {
                    throw new GitProtocolException("the first ref line has no capabilities (no NUL byte)");
                }

                capabilities = line[(nul + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                line = line[..nul];
            }
            else if (line.Contains('\0', StringComparison.Ordinal))
            {
                throw new GitProtocolException($"ref line {index - 1} holds a NUL byte; only the first line carries capabilities");
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !IsObjectId(line.AsSpan(0, space)))
            {
                throw new GitProtocolException($"ref line {index - 1} '{Printable(line)}' is not '<object id> <ref name>'");
            }

            var id = line[..space].ToLowerInvariant();
            var name = line[(space + 1)..];
            if (name.Length == 0 || name.Any(c => c <= ' ' || c == '\x7f'))
            {
                throw new GitProtocolException($"ref line {index - 1} has an invalid ref name '{Printable(name)}'");
            }

            if (index == 2 && name == "capabilities^{}")
            {
                // An empty repository: no refs, only the capabilities.
                continue;
            }

            if (name.EndsWith("^{}", StringComparison.Ordinal))
            {
                peeled[name[..^3]] = id;
            }
            else
            {
                refs[name] = id;
            }
        }

        if (!flushed)
        {
            throw new GitProtocolException("the ref advertisement does not end with a flush packet (truncated response?)");
        }

        if (index < packets.Count)
        {
            throw new GitProtocolException($"{packets.Count - index} unexpected pkt-line(s) after the ref advertisement's flush");
        }

        string? head = null;
        foreach (var capability in capabilities)
        {
            if (capability.StartsWith("symref=HEAD:", StringComparison.Ordinal))
            {
                head = capability["symref=HEAD:".Length..];
            }
        }

        return new GitRefAdvertisement(refs, peeled, capabilities, head);
    }

    /// <summary>A SHA-1 (40) or SHA-256 (64) object id in hex.</summary>
    public static bool IsObjectId(ReadOnlySpan<char> text) =>
        (text.Length == 40 || text.Length == 64) && !text.ContainsAnyExcept("0123456789abcdefABCDEF");

    private static string Line(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static string Printable(string text)
    {
        var shown = text.Length > 80 ? text[..80] + "..." : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : c.ToString()));
    }
}
