namespace TinyImage.Oci.Layers;

/// <summary>A few bytes already read (a layer's magic bytes), then the rest of the stream they came from.</summary>
internal sealed class PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> pending = prefix;
    private long count;

    public override long BytesRead => count;

    public override int Read(Span<byte> buffer)
    {
        if (!pending.IsEmpty)
        {
            return Account(TakePending(buffer));
        }

        return Account(rest.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!pending.IsEmpty)
        {
            return Account(TakePending(buffer.Span));
        }

        return Account(await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
    }

    private int TakePending(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, pending.Length);
        pending.Span[..n].CopyTo(buffer);
        pending = pending[n..];
        return n;
    }

    private int Account(int n)
    {
        count += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
