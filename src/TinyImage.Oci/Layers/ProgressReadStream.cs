namespace TinyImage.Oci.Layers;

/// <summary>Reports the bytes read so far after every read, on the reading thread; passes everything else through.</summary>
internal sealed class ProgressReadStream(Stream inner, IProgress<long> progress) : ReadOnlyStream
{
    private long count;

    public override long BytesRead => count;

    public override int Read(Span<byte> buffer) => Account(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Account(int n)
    {
        if (n > 0)
        {
            count += n;
            progress.Report(count);
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
