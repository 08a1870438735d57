namespace TinyImage.Oci.Tests.Layers;

/// <summary>Serves its bytes as a response body does, passing every read's count through <paramref name="onRead"/> (which may throw).</summary>
internal sealed class HookedReadStream(byte[] bytes, Func<int, int> onRead) : MemoryStream(bytes, writable: false)
{
    /// <summary>Serves its bytes, then fails as a reset connection does.</summary>
    public static HookedReadStream Breaking(byte[] bytes) =>
        new(bytes, static n => n > 0 ? n : throw new IOException("connection reset by peer"));

    public override int Read(Span<byte> buffer) => onRead(base.Read(buffer));

    public override int Read(byte[] buffer, int offset, int count) => onRead(base.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        onRead(await base.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
