using System.Text;

namespace TinyImage.Oci.Layers;

/// <summary>
/// A forward-only reader of tar streams (V7, ustar, GNU and PAX), written here instead of using
/// <c>System.Formats.Tar</c> so that every allocation is bounded by <see cref="LayerLimits"/>: the BCL reader buffers a PAX
/// extended header of whatever size the header claims before we could refuse it. Supported: regular files (<c>0</c>,
/// <c>\0</c>, <c>7</c>), hardlinks, symlinks, devices, FIFOs, directories, PAX <c>x</c> records (<c>path</c>,
/// <c>linkpath</c>, <c>size</c>; <c>g</c> records are skipped), GNU <c>L</c>/<c>K</c> long names, ustar prefixes,
/// octal and base-256 numbers. Refused as <see cref="LayerErrorKind.Malformed"/>: bad header checksums, truncation,
/// GNU sparse and multi-volume entries, unknown entry types. The reader never writes anything to disk.
/// </summary>
public sealed class TarStreamReader
{
    private const int Block = 512;

    private readonly Stream source;
    private readonly LayerLimits limits;
    private readonly byte[] header = new byte[Block];
    private long remaining;
    private byte[]? skipBuffer;
    private long padding;
    private int ordinal;
    private bool ended;

    public TarStreamReader(Stream source, LayerLimits limits)
    {
        this.source = source;
        this.limits = limits;
    }

    /// <summary>The next entry, or null at the end of the archive. Skips the unread data of the previous entry.</summary>
    public async Task<TarEntry?> NextAsync(CancellationToken cancellationToken)
    {
        if (ended)
        {
            return null;
        }

        await SkipAsync(remaining + padding, cancellationToken).ConfigureAwait(false);
        remaining = padding = 0;

        string? longName = null;
        string? longLink = null;
        Dictionary<string, string>? pax = null;
        while (true)
        {
            if (!await ReadHeaderAsync(cancellationToken).ConfigureAwait(false))
            {
                ended = true;
                if (longName is not null || longLink is not null || pax is not null)
                {
                    throw Malformed("The archive ends after an extended header, without the entry it describes.");
                }

                return null;
            }

            var type = (char)header[156];
            var size = ParseNumber(header.AsSpan(124, 12), "size");
            switch (type)
            {
                case 'x':
                    pax = ParsePax(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false));
                    continue;
                case 'g':
                    _ = await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false);
                    continue;
                case 'L':
                    longName = CString(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false));
                    continue;
                case 'K':
                    longLink = CString(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false));
                    continue;
            }

            var name = longName ?? HeaderName();
            var link = longLink ?? CString(header.AsSpan(157, 100));
            if (pax is not null)
            {
                if (pax.TryGetValue("path", out var p))
                {
                    name = p;
                }

                if (pax.TryGetValue("linkpath", out var l))
                {
                    link = l;
                }

                if (pax.TryGetValue("size", out var s))
                {
                    if (!long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size))
                    {
                        throw Malformed($"The PAX size '{s}' is not a number.");
                    }
                }
            }

            var entryType = type switch
            {
                '0' or '\0' or '7' => name.EndsWith('/') && type == '\0' ? TarEntryType.Directory : TarEntryType.File,
                '1' => TarEntryType.Hardlink,
                '2' => TarEntryType.Symlink,
                '3' or '4' or '6' => TarEntryType.Special,
                '5' => TarEntryType.Directory,
                _ => throw Malformed($"The entry '{Printable(name)}' has the unsupported tar type '{Printable(type.ToString())}'."),
            };

            if (name.Length == 0 || name.Length > limits.MaxPathLength || name.Contains('\0', StringComparison.Ordinal))
            {
                throw Malformed($"An entry has an empty, overlong or NUL-containing name ('{Printable(name)}').");
            }

            if (entryType is TarEntryType.Symlink or TarEntryType.Hardlink && (link.Length == 0 || link.Length > limits.MaxPathLength))
            {
                throw Malformed($"The link '{Printable(name)}' has an empty or overlong target.");
            }

            if (size > limits.MaxEntryBytes)
            {
                throw new ImageLayerException(LayerErrorKind.TooLarge, $"The entry '{Printable(name)}' is {size} bytes, over the limit of {limits.MaxEntryBytes}.");
            }

            // Links, directories and specials carry no data in practice; whatever size they declare is skipped.
            remaining = size;
            padding = Pad(size);
            var entrySize = entryType == TarEntryType.File ? size : 0;
            return new TarEntry(name, entryType, entrySize, entryType is TarEntryType.Symlink or TarEntryType.Hardlink ? link : null, ordinal++);
        }
    }

    /// <summary>Copies the current entry's data to <paramref name="destination"/> (at most <paramref name="max"/> bytes).</summary>
    public async Task CopyDataAsync(Stream destination, long max, CancellationToken cancellationToken)
    {
        if (remaining > max)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The entry is {remaining} bytes, over the limit of {max}.");
        }

        var buffer = new byte[81920];
        while (remaining > 0)
        {
            var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw Malformed("The archive is truncated inside an entry's data.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            remaining -= n;
        }
    }

    /// <summary>Reads the current entry's data, whole, into <paramref name="destination"/>, which must be exactly its size.</summary>
    public async Task ReadDataAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.Length != remaining)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the entry has {remaining} left.", nameof(destination));
        }

        var n = await source.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n < destination.Length)
        {
            throw Malformed("The archive is truncated inside an entry's data.");
        }

        remaining = 0;
    }

    private async Task<bool> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var n = await source.ReadAtLeastAsync(header, Block, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            return false; // end of stream on a block boundary without the end-of-archive marker: accepted, as GNU tar does
        }

        if (n < Block)
        {
            throw Malformed("The archive is truncated inside a header.");
        }

        if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            return false; // end-of-archive marker; what follows (a second zero block, padding) is not read
        }

        long stored = ParseNumber(header.AsSpan(148, 8), "checksum");
        long unsigned = 0;
        long signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        if (stored != unsigned && stored != signed)
        {
            throw Malformed("A tar header has a wrong checksum (not a tar stream, or corrupted).");
        }

        return true;
    }

    private async Task<byte[]> ReadMetadataAsync(long size, CancellationToken cancellationToken)
    {
        if (size > limits.MaxMetadataBytes)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"A PAX or long-name record is {size} bytes, over the limit of {limits.MaxMetadataBytes}.");
        }

        var data = new byte[size];
        var n = await source.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n < data.Length)
        {
            throw Malformed("The archive is truncated inside an extended header.");
        }

        await SkipAsync(Pad(size), cancellationToken).ConfigureAwait(false);
        return data;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var buffer = skipBuffer ??= new byte[81920];
        while (count > 0)
        {
            var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw Malformed("The archive is truncated inside an entry's data.");
            }

            count -= n;
        }
    }

    private string HeaderName()
    {
        var name = CString(header.AsSpan(0, 100));
        var magic = header.AsSpan(257, 6);
        if (magic.SequenceEqual("ustar\0"u8))
        {
            var prefix = CString(header.AsSpan(345, 155));
            if (prefix.Length > 0)
            {
                name = prefix + "/" + name;
            }
        }

        return name;
    }

    private Dictionary<string, string> ParsePax(byte[] data)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var pos = 0;
        while (pos < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', pos);
            if (space < 0 || space == pos || space - pos > 10)
            {
                throw Malformed("A PAX record has no valid length.");
            }

            var length = 0;
            for (var i = pos; i < space; i++)
            {
                if (data[i] is < (byte)'0' or > (byte)'9')
                {
                    throw Malformed("A PAX record length is not decimal.");
                }

                length = checked((length * 10) + (data[i] - '0'));
            }

            var end = pos + length;
            if (length <= space - pos + 1 || end > data.Length || data[end - 1] != (byte)'\n')
            {
                throw Malformed("A PAX record's length does not match its content.");
            }

            var record = data.AsSpan(space + 1, end - space - 2);
            var eq = record.IndexOf((byte)'=');
            if (eq <= 0)
            {
                throw Malformed("A PAX record has no key.");
            }

            result[Encoding.UTF8.GetString(record[..eq])] = Encoding.UTF8.GetString(record[(eq + 1)..]);
            pos = end;
        }

        return result;
    }

    private static long ParseNumber(ReadOnlySpan<byte> field, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement; negative values are refused.
            if ((field[0] & 0x40) != 0)
            {
                throw Malformed($"A tar header has a negative {what}.");
            }

            long value = field[0] & 0x3f;
            foreach (var b in field[1..])
            {
                if (value > (long.MaxValue >> 8))
                {
                    throw Malformed($"A tar header's {what} overflows.");
                }

                value = (value << 8) | b;
            }

            return value;
        }

        long result = 0;
        var started = false;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (started)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7')
            {
                throw Malformed($"A tar header's {what} field is not octal.");
            }

            started = true;
            if (result > (long.MaxValue >> 3))
            {
                throw Malformed($"A tar header's {what} overflows.");
            }

            result = (result << 3) | (long)(b - '0');
        }

        return result;
    }

    private static long Pad(long size) => (Block - (size % Block)) % Block;

    private static string CString(ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? data : data[..nul]);
    }

    internal static string Printable(string value)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());
        return value.Length > 200 ? clean + "..." : clean;
    }

    private static ImageLayerException Malformed(string message) => new(LayerErrorKind.Malformed, message);
}
