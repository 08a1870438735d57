using System.Buffers.Binary;

namespace TinyImage.Sbom;

/// <summary>
/// Bounded random access to a seekable stream: every read names an absolute offset and a size and is refused
/// (returns false) when any byte of it lies outside the stream. Reads only what is asked for, never the whole file.
/// </summary>
public sealed class BinaryView
{
    private readonly Stream _stream;

    public BinaryView(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The SBOM reader needs a readable, seekable stream.", nameof(stream));
        }

        _stream = stream;
        Length = stream.Length;
    }

    /// <summary>The stream's length when the view was made.</summary>
    public long Length { get; }

    /// <summary>True when <c>[offset, offset + size)</c> lies inside the stream (no overflow).</summary>
    public bool Contains(long offset, long size) => offset >= 0 && size >= 0 && offset <= Length && size <= Length - offset;

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the range is outside the stream.</summary>
    public bool TryRead(long offset, Span<byte> buffer)
    {
        if (!Contains(offset, buffer.Length))
        {
            return false;
        }

        _stream.Seek(offset, SeekOrigin.Begin);
        _stream.ReadExactly(buffer);
        return true;
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes from <paramref name="offset"/>, fewer at the end of the stream.</summary>
    public int ReadAtMost(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        _stream.Seek(offset, SeekOrigin.Begin);
        _stream.ReadExactly(buffer[..n]);
        return n;
    }

    public static ushort U16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    public static uint U32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    public static ulong U64(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);

    /// <summary>True when the NUL-padded fixed-size name field equals <paramref name="name"/> exactly.</summary>
    public static bool FixedNameEquals(ReadOnlySpan<byte> field, string name)
    {
        var end = field.IndexOf((byte)0);
        var actual = end < 0 ? field : field[..end];
        if (actual.Length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < actual.Length; i++)
        {
            if (actual[i] != name[i])
            {
                return false;
            }
        }

        return true;
    }
}
