namespace TinyImage.Oci.Layers;

/// <summary>
/// The bytes of extracted binaries held in memory at once, shared by every inspection that uses it (the operator's
/// verifier shares one across its concurrent verifications, so the memory they hold does not grow with
/// <c>--verify-concurrency</c>). A binary that does not fit goes to the <see cref="ScratchSpace"/> instead. A large layer's
/// pipe between its two tasks (<see cref="LayerPump"/>) counts too, while the layer is read; without room the layer is read
/// on one task.
/// </summary>
public sealed class MemoryBudget
{
    private readonly long capacity;
    private long used;

    /// <param name="capacity">The most bytes held at once; 0 keeps every binary on the scratch volume.</param>
    public MemoryBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        this.capacity = capacity;
    }

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref used);

    /// <summary>Reserves <paramref name="bytes"/> when they fit; the lease gives them back when disposed. Null: they do not fit.</summary>
    public IDisposable? TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        while (true)
        {
            var current = Interlocked.Read(ref used);
            if (current + bytes > capacity)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref used, current + bytes, current) == current)
            {
                return new Lease(this, bytes);
            }
        }
    }

    private sealed class Lease(MemoryBudget budget, long bytes) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Add(ref budget.used, -bytes);
            }
        }
    }
}
