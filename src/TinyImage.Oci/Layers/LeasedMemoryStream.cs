namespace TinyImage.Oci.Layers;

/// <summary>
/// A read-only memory stream over an extracted binary that, when disposed, gives its buffer back (to the pool it came
/// from, <see cref="BinaryBuffer"/>) and its bytes back to the <see cref="MemoryBudget"/>. Once disposed it reads nothing:
/// not even <see cref="ToArray"/>, which a <see cref="MemoryStream"/> otherwise serves after it is closed, since the
/// array may by then hold another binary.
/// </summary>
internal sealed class LeasedMemoryStream(BinaryBuffer buffer, IDisposable lease) : MemoryStream(buffer.Array, 0, buffer.Length, writable: false)
{
    private int disposed;

    public override byte[] ToArray()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return base.ToArray();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Interlocked.Exchange(ref disposed, 1) == 0)
        {
            buffer.Dispose();
            lease.Dispose();
        }
    }
}
