using TinyImage.Oci.Layers;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// A large binary kept in memory is read into a pinned buffer advised for transparent huge pages (fewer page faults on
/// its first write); what the inspection hands out is the binary's bytes all the same.
/// </summary>
public sealed class HugePagesTests : IDisposable
{
    private readonly FakeRegistry registry = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("tinyimage-hugepages-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task A_Binary_Large_Enough_For_Huge_Pages_Is_Kept_In_Memory_Byte_For_Byte()
    {
        var data = new byte[HugePages.MinBytes + 12_345];
        new Random(17).NextBytes(data);
        var layer = GzipLayer(Dir("bin/"), File("bin/app", data));
        var image = Image([layer]);
        registry.Add(image);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), new MemoryBudget(64L * 1024 * 1024));

        await using var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct);

        Assert.IsNotType<FileStream>(inspection.Binary);
        using var copy = new MemoryStream();
        await inspection.Binary.CopyToAsync(copy, Ct);
        Assert.Equal(data, copy.ToArray());
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
    }

    [Fact]
    public void The_Advised_Range_Is_The_Whole_Huge_Pages_Inside_The_Buffer()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "madvise is Linux's: elsewhere the buffer is not advised");
        var buffer = GC.AllocateUninitializedArray<byte>((3 * HugePages.PageBytes) + 100, pinned: true);

        var advised = HugePages.Advise(buffer);

        Assert.NotNull(advised);
        var (start, length) = advised.Value;
        Assert.InRange(start, 0, HugePages.PageBytes - 1);
        Assert.True(start + length <= buffer.Length, $"the range {start}+{length} runs past the buffer's {buffer.Length} bytes");
        Assert.Equal(0, length % HugePages.PageBytes);
        Assert.True(length >= 2L * HugePages.PageBytes, $"{length} bytes advised: a buffer of three pages and more holds two whole ones wherever it starts");
        var address = (long)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0);
        Assert.Equal(0, (address + start) % HugePages.PageBytes);

        // The kernel's own word: the mapping that now holds the range may get huge pages (THPeligible), which under the
        // "madvise" setting only an advised mapping may.
        var thp = System.IO.File.Exists("/sys/kernel/mm/transparent_hugepage/enabled") ? System.IO.File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled") : "";
        Assert.SkipUnless(thp.Contains("[madvise]", StringComparison.Ordinal) || thp.Contains("[always]", StringComparison.Ordinal), "transparent huge pages are off or unknown here (" + thp.Trim() + "): the advice cannot show");
        Assert.Equal("1", EligibleFlag(address + start));
    }

    /// <summary>The THPeligible field of the mapping in /proc/self/smaps that holds <paramref name="address"/>.</summary>
    private static string? EligibleFlag(long address)
    {
        var inside = false;
        foreach (var line in System.IO.File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out var from)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out var to))
            {
                inside = from <= address && address < to;
            }
            else if (inside && line.StartsWith("THPeligible:", StringComparison.Ordinal))
            {
                return line["THPeligible:".Length..].Trim();
            }
        }

        return null;
    }

    [Fact]
    public void A_Buffer_Smaller_Than_A_Huge_Page_Is_Not_Advised()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(HugePages.PageBytes - 1, pinned: true);

        Assert.Null(HugePages.Advise(buffer));
    }
}
