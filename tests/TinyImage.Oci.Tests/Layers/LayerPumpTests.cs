using System.Security.Cryptography;
using TinyImage.Oci.Layers;
using Xunit;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// A layer's bytes are read and hashed on one task and inflated and walked on another: whatever order the two finish in,
/// the blob counts only once its digest matched, a failure of the reading side reaches the walking side instead of leaving it
/// waiting, and ending the pass stops the reading side, which never reads more than the pipe's bound ahead.
/// </summary>
public sealed class LayerPumpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task A_Digest_Mismatch_Found_After_The_Walk_Read_All_It_Wanted_Still_Fails_The_Pass()
    {
        var genuine = RandomNumberGenerator.GetBytes(300_000);
        var forged = (byte[])genuine.Clone();
        forged[^1] ^= 1; // differs only in the last byte, which the network holds back
        var body = new GatedStream(forged, forged.Length - 1);
        await using var pump = new LayerPump(new DigestVerifyingStream(body, DigestOf(genuine), genuine.Length), Ct);

        // The walking side reads everything before the last byte: what it saw matches the genuine blob so far.
        var seen = new byte[forged.Length - 1];
        await pump.Output.ReadExactlyAsync(seen, Ct);
        Assert.Equal(genuine[..seen.Length], seen);

        body.Release();
        var e = await Assert.ThrowsAsync<RegistryException>(() => pump.DrainAsync(Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task Bytes_That_Arrived_Before_The_Network_Paused_Reach_The_Walk_Without_Waiting_For_A_Full_Batch()
    {
        // Fewer bytes than a batch arrive, then the network pauses: the reading side hands them over after the short read
        // instead of waiting for more. Held back, the walk would wait for a release that comes only after it read them.
        var bytes = RandomNumberGenerator.GetBytes(LayerPump.FlushBytes);
        var open = LayerPump.FlushBytes / 3;
        var body = new GatedStream(bytes, open);
        await using var pump = new LayerPump(new DigestVerifyingStream(body, DigestOf(bytes), bytes.Length), Ct);

        var seen = new byte[open];
        // The bound only turns a hang into a failure; nothing here depends on how long the read takes.
        await pump.Output.ReadExactlyAsync(seen, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(bytes[..open], seen);

        body.Release();
        await pump.DrainAsync(Ct);
    }

    [Fact]
    public async Task A_Matching_Blob_Drains_Once_The_Reading_Side_Checked_Its_Digest()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 * LayerPump.PauseBytes);
        var blob = new DigestVerifyingStream(new MemoryStream(bytes), DigestOf(bytes), bytes.Length);
        await using var pump = new LayerPump(blob, Ct);

        var head = new byte[1000];
        await pump.Output.ReadExactlyAsync(head, Ct);
        await pump.DrainAsync(Ct);

        Assert.True(blob.Verified);
        Assert.Equal(bytes[..head.Length], head);
    }

    [Fact]
    public async Task A_Connection_Breaking_Under_The_Reading_Side_Ends_The_Waiting_Walk_With_The_Registry_Error()
    {
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var body = new GatedStream(bytes, 100_000) { FailOnRelease = true };
        using var timeout = new CancellationTokenSource(); // as the registry client gives every blob: read errors become registry errors
        await using var pump = new LayerPump(new DigestVerifyingStream(body, DigestOf(bytes), bytes.Length, timeout: timeout), Ct);
        var seen = new byte[100_000];
        await pump.Output.ReadExactlyAsync(seen, Ct);

        // The walk waits for more; the connection breaks instead.
        var waiting = pump.Output.ReadAsync(new byte[1000], Ct).AsTask();
        body.Release();
        var e = await Assert.ThrowsAsync<RegistryException>(() => waiting);

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task Ending_The_Pass_While_The_Reading_Side_Waits_On_The_Network_Stops_It()
    {
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var body = new GatedStream(bytes, 5_000); // never released: the next read waits until it is cancelled
        var pump = new LayerPump(new DigestVerifyingStream(body, DigestOf(bytes), bytes.Length), Ct);
        await pump.Output.ReadExactlyAsync(new byte[5_000], Ct);

        await pump.DisposeAsync();

        Assert.True(body.ReadCancelled);
    }

    [Fact]
    public async Task The_Reading_Side_Stays_Within_The_Pipe_Bound_When_The_Walk_Does_Not_Read_And_Stops_When_The_Pass_Ends()
    {
        var bytes = RandomNumberGenerator.GetBytes(8 * LayerPump.PauseBytes);
        var body = new GatedStream(bytes, bytes.Length) { MarkAt = LayerPump.PauseBytes };
        var blob = new DigestVerifyingStream(body, DigestOf(bytes), bytes.Length);
        var pump = new LayerPump(blob, Ct);

        // The reading side fills the pipe up to its bound, then waits for room the walk never makes.
        await body.Marked.Task.WaitAsync(Ct);
        await pump.DisposeAsync();

        Assert.InRange(blob.BytesRead, LayerPump.PauseBytes, LayerPump.MaxAheadBytes);
        Assert.False(blob.Verified);
    }

    /// <summary>A body that serves its first <c>open</c> bytes, then waits for <see cref="Release"/> before the rest (or a failure).</summary>
    private sealed class GatedStream(byte[] bytes, int open) : Stream
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int position;

        public bool FailOnRelease { get; init; }

        public bool ReadCancelled { get; private set; }

        /// <summary>Completed once the reads reached <see cref="MarkAt"/> bytes.</summary>
        public TaskCompletionSource Marked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MarkAt { get; init; } = int.MaxValue;

        public void Release() => released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position >= open)
            {
                try
                {
                    await released.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    ReadCancelled = true;
                    throw;
                }

                if (FailOnRelease)
                {
                    throw new IOException("connection reset by peer");
                }
            }

            var limit = position < open ? open : bytes.Length;
            var n = Math.Min(buffer.Length, limit - position);
            bytes.AsMemory(position, n).CopyTo(buffer);
            position += n;
            if (position >= MarkAt)
            {
                Marked.TrySetResult();
            }

            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
