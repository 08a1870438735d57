namespace TinyImage.Oci.Layers;

/// <summary>A read-only memory stream over an extracted binary that gives its bytes back to the <see cref="MemoryBudget"/> when disposed.</summary>
internal sealed class LeasedMemoryStream(byte[] data, IDisposable lease) : MemoryStream(data, writable: false)
{
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lease.Dispose();
        }

        base.Dispose(disposing);
    }
}
