namespace TinyImage.Sbom.Tests;

/// <summary>A read-only seekable stream: the given head bytes, then zeros up to a (possibly huge) length. Nothing is allocated for the tail.</summary>
internal sealed class ZeroTailStream(byte[] head, long length) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    /// <summary>Bytes handed out by Read, to show the reader never reads the whole file.</summary>
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Max(0, Math.Min(buffer.Length, length - Position));
        for (var i = 0; i < n; i++)
        {
            var p = Position + i;
            buffer[i] = p < head.Length ? head[p] : (byte)0;
        }

        Position += n;
        BytesRead += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
