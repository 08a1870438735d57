namespace TinyImage.Oci.Layers;

/// <summary>A read-only stream that throws <see cref="LayerErrorKind.TooLarge"/> once more than a limit has been read; wraps decompressors.</summary>
public sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => count;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Account(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Account(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await WrapAsync(inner.ReadAsync(buffer, cancellationToken)).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private static async ValueTask<int> WrapAsync(ValueTask<int> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ImageLayerException(LayerErrorKind.Malformed, "The layer does not decompress: " + e.Message, e);
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new ImageLayerException(LayerErrorKind.Malformed, "The layer does not decompress (zstd): " + e.Message, e);
        }
    }

    private int Account(int n)
    {
        count += n;
        if (count > limit)
        {
            throw new ImageLayerException(LayerErrorKind.TooLarge, $"The layer is larger than {limit} bytes uncompressed.");
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
