namespace TinyImage.Oci;

/// <summary>
/// The base of the forward-only, read-only wrapper streams (<see cref="DigestVerifyingStream"/>,
/// <see cref="Layers.LimitedReadStream"/>): it refuses seeking, writing and length, reports <see cref="Stream.Position"/>
/// as the bytes read so far, and sends every read overload to <see cref="Read(Span{byte})"/> or
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>, which a subclass implements.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    /// <summary>Bytes read so far.</summary>
    public abstract long BytesRead { get; }

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
