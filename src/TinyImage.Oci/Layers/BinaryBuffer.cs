using System.Buffers;
using System.Numerics;

namespace TinyImage.Oci.Layers;

/// <summary>
/// The buffer a captured binary is read into, given back when disposed. Below <see cref="HugePages.MinBytes"/> (a usual
/// service binary) it is rented from the shared array pool: a fresh array costs a page fault for every 4 KiB on its first
/// write (about a tenth of the CPU of verifying a 2 MiB image, BENCHMARKS.md section 5), a reused one none. The part the
/// binary used is cleared before the array goes back, so no image's bytes outlive its inspection in the pool. At and above
/// the threshold the buffer is a fresh pinned array advised for huge pages (<see cref="HugePages"/>), never pooled: the
/// pool would keep tens of MiB alive between verifications. What the pool keeps is what a fresh array kept before: a
/// large-object array lives until the next gen2 collection either way, and at gen2 collections the pool drops arrays left
/// unused for a minute (sooner, and all of them, under high memory pressure).
/// </summary>
internal sealed class BinaryBuffer : IDisposable
{
    private int returned;

    private BinaryBuffer(byte[] array, int length, bool pooled)
    {
        Array = array;
        Length = length;
        Pooled = pooled;
    }

    /// <summary>The array; only its first <see cref="Length"/> bytes are the binary's (a rented array may be longer).</summary>
    public byte[] Array { get; }

    /// <summary>The binary's length.</summary>
    public int Length { get; }

    /// <summary>Whether the array came from the shared pool.</summary>
    public bool Pooled { get; }

    /// <summary>The binary's part of the array.</summary>
    public Memory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>
    /// The bytes a buffer for <paramref name="length"/> holds, what the memory budget is charged: below the huge-page
    /// threshold the pool's power-of-two array size, else the length itself.
    /// </summary>
    public static long HeldBytes(int length) => IsPooled(length) ? Math.Max(16, (long)BitOperations.RoundUpToPowerOf2((uint)length)) : length;

    /// <summary>A buffer for a binary of <paramref name="length"/> bytes; its contents are undefined until written.</summary>
    public static BinaryBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return IsPooled(length)
            ? new BinaryBuffer(ArrayPool<byte>.Shared.Rent(length), length, pooled: true)
            : new BinaryBuffer(length == 0 ? [] : HugePages.Allocate(length), length, pooled: false);
    }

    /// <summary>Clears the binary's part of a pooled array and gives it back, once.</summary>
    public void Dispose()
    {
        if (Pooled && Interlocked.Exchange(ref returned, 1) == 0)
        {
            System.Array.Clear(Array, 0, Length);
            ArrayPool<byte>.Shared.Return(Array);
        }
    }

    private static bool IsPooled(int length) => length is > 0 and < HugePages.MinBytes;
}
