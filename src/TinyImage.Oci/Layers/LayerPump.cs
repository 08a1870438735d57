using System.IO.Pipelines;

namespace TinyImage.Oci.Layers;

/// <summary>
/// The first of a layer pass's two stages: on a task of its own, reads the blob (hashed as it is read, by the
/// <see cref="DigestVerifyingStream"/> under <paramref name="blob"/>) into a bounded pipe that the second stage (inflating
/// and walking the tar) reads as <see cref="Output"/>. Hashing and inflating then run side by side on two cores instead of one
/// after the other on one. At most <see cref="MaxAheadBytes"/> are read ahead of the second stage.
/// <para>
/// Trust is unchanged by the split: the second stage sees the bytes before the digest is known, as it did on one thread, and
/// what it made of them may be used only once <see cref="DrainAsync"/> returned (the blob was read to its end and its size and
/// digest matched). A failure of the first stage (digest mismatch, broken connection, timeout) reaches the second as the
/// exception of its next read, and from <see cref="DrainAsync"/>. <see cref="DisposeAsync"/> stops the first stage whatever the
/// second did (finished, failed, cancelled) and waits for it, so no read of the blob outlives the pass.
/// </para>
/// </summary>
internal sealed class LayerPump : IAsyncDisposable
{
    /// <summary>The read size from the network: large enough that hashing runs on big chunks and the stages rarely hand over.</summary>
    public const int ChunkBytes = 128 * 1024;

    /// <summary>
    /// The bytes the first stage reads before it hands them over (flushes) while every read fills its buffer: each hand-off may
    /// wake the second stage, so they come in batches of several reads rather than one per read. A short read hands over at
    /// once, so the second stage never waits for bytes that arrived before a pause in the network.
    /// </summary>
    public const int FlushBytes = 512 * 1024;

    /// <summary>The most flushed bytes waiting for the second stage: the first stage waits above it.</summary>
    public const int PauseBytes = 4 * 1024 * 1024;

    /// <summary>The most bytes the first stage reads ahead of the second: a full pipe, a batch not yet flushed and one read.</summary>
    public const int MaxAheadBytes = PauseBytes + FlushBytes + ChunkBytes;

    private readonly Pipe pipe;
    private readonly CancellationTokenSource stop;
    private readonly Task pumping;

    /// <param name="blob">The blob's body as read from the network: a <see cref="DigestVerifyingStream"/>, or a wrapper of one.</param>
    /// <param name="cancellationToken">Stops the first stage.</param>
    public LayerPump(Stream blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: PauseBytes,
            resumeWriterThreshold: PauseBytes / 2,
            minimumSegmentSize: ChunkBytes,
            useSynchronizationContext: false));
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Output = pipe.Reader.AsStream(leaveOpen: true);
        var token = stop.Token;
        pumping = Task.Run(() => PumpAsync(blob, pipe.Writer, token), CancellationToken.None);
    }

    /// <summary>The blob's bytes, in order, as the first stage read them; a read throws the first stage's failure.</summary>
    public Stream Output { get; }

    /// <summary>
    /// Reads what is left of the blob (without copying it) and waits for the first stage: returns once the whole blob was read
    /// and its size and digest matched, throws the first stage's failure otherwise.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            pipe.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        await pumping.ConfigureAwait(false);
    }

    private static async Task PumpAsync(Stream blob, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            var unflushed = 0;
            while (true)
            {
                var memory = writer.GetMemory(ChunkBytes);
                var n = await blob.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break; // end of the blob: its size and digest matched, else the read threw
                }

                writer.Advance(n);
                unflushed += n;
                if (unflushed < FlushBytes && n == memory.Length)
                {
                    continue; // a full read: more is already there, read it before handing over
                }

                // A batch, or a short read (the network had no more for now, and the next read may wait): hand over.
                unflushed = 0;
                var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    return; // the second stage left (it failed or was cancelled): nothing waits for the rest
                }
            }
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!pumping.IsCompleted)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await pipe.Reader.CompleteAsync().ConfigureAwait(false);

        // Observed here: when it matters it was thrown by DrainAsync or by a read of Output; otherwise the second stage's own
        // failure is the one the caller reports.
        await pumping.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        await Output.DisposeAsync().ConfigureAwait(false);
        stop.Dispose();
    }
}
