using System.Runtime.InteropServices;

namespace TinyImage.Oci.Layers;

/// <summary>
/// A large captured binary's buffer backed by transparent huge pages where the kernel allows them. The first write to a
/// fresh 50 MiB array costs about 30 ms of page faults in 4 KiB pages, 6–7.5 ms in 2 MiB pages (BENCHMARKS.md, section 5):
/// the buffer is allocated pinned (so its address holds) and advised <c>MADV_HUGEPAGE</c> before the layer's bytes are
/// read into it. Best effort: where the call is missing (not Linux, no libc) or refused, the buffer stays as it is, and a
/// node whose THP setting is <c>never</c> ignores the advice.
/// </summary>
internal static class HugePages
{
    /// <summary>A huge page on x86-64 and on arm64 with 4 KiB base pages.</summary>
    public const int PageBytes = 2 * 1024 * 1024;

    /// <summary>Below this a buffer holds too few whole huge pages to matter: it is allocated as any other array.</summary>
    public const int MinBytes = 4 * PageBytes;

    private const int MadvHugePage = 14; // MADV_HUGEPAGE, <asm-generic/mman-common.h>

    private static bool unavailable;

    /// <summary>
    /// An uninitialized array of <paramref name="length"/> bytes: at <see cref="MinBytes"/> and above pinned and advised for
    /// huge pages (see <see cref="Advise"/>), else an ordinary one.
    /// </summary>
    public static byte[] Allocate(int length)
    {
        if (length < MinBytes || !OperatingSystem.IsLinux())
        {
            return GC.AllocateUninitializedArray<byte>(length);
        }

        var bytes = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        Advise(bytes);
        return bytes;
    }

    /// <summary>
    /// Advises the whole 2 MiB pages inside <paramref name="pinned"/> (an array on the pinned object heap) for huge pages.
    /// Returns the advised range as offsets into the array, or null when nothing was advised.
    /// </summary>
    public static (long Start, long Length)? Advise(byte[] pinned)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        if (unavailable || !OperatingSystem.IsLinux() || pinned.Length < PageBytes)
        {
            return null;
        }

        var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
        var start = (address + PageBytes - 1) & ~((long)PageBytes - 1);
        var end = (address + pinned.Length) & ~((long)PageBytes - 1);
        if (end <= start)
        {
            return null;
        }

        try
        {
            return Native.madvise((nint)start, (nuint)(end - start), MadvHugePage) == 0 ? (start - address, end - start) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return null;
        }
    }

    private static class Native
    {
        // "libc.so.6": the runtime's probing of a bare "libc" finds only the development linker script, absent from the image.
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int madvise(nint address, nuint length, int advice);
    }
}
