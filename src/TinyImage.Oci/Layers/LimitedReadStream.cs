namespace TinyImage.Oci.Layers;

/// <summary>A read-only stream that throws <see cref="LayerErrorKind.TooLarge"/> once more than a limit has been read; wraps decompressors.</summary>
public sealed class LimitedReadStream(Stream inner, long limit) : ReadOnlyStream
{
    private long count;

    public override long BytesRead => count;

    public override int Read(Span<byte> buffer) => Account(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await WrapAsync(inner.ReadAsync(buffer, cancellationToken)).ConfigureAwait(false));

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
            // A frame asking for a window over the cap fails here too: too large, not malformed.
            var kind = e.Message.Contains("window", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("memory", StringComparison.OrdinalIgnoreCase)
                ? LayerErrorKind.TooLarge : LayerErrorKind.Malformed;
            throw new ImageLayerException(kind, "The layer does not decompress (zstd): " + e.Message, e);
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
