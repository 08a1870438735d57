using TinyImage.Oci.Layers;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// A binary under the huge-page threshold is read into an array rented from the shared pool (no page faults on a reused
/// one): the memory budget is charged the array's size, the binary's part is cleared before the array goes back, exactly
/// once, and a disposed binary stream reads nothing from an array that may hold another binary by then.
/// </summary>
public sealed class BinaryBufferTests : IDisposable
{
    private readonly FakeRegistry registry = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("tinyimage-binarybuffer-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void A_Buffer_Under_The_Huge_Page_Threshold_Is_Pooled_And_Charged_Its_Power_Of_Two_Size()
    {
        using var small = BinaryBuffer.Rent(3_000_000);
        using var large = BinaryBuffer.Rent(HugePages.MinBytes);

        Assert.True(small.Pooled);
        Assert.Equal(4L * 1024 * 1024, BinaryBuffer.HeldBytes(3_000_000));
        Assert.Equal(BinaryBuffer.HeldBytes(3_000_000), small.Array.Length);
        Assert.Equal(3_000_000, small.Memory.Length);
        Assert.False(large.Pooled);
        Assert.Equal(HugePages.MinBytes, BinaryBuffer.HeldBytes(HugePages.MinBytes));
        Assert.Equal(HugePages.MinBytes, large.Array.Length);
    }

    [Fact]
    public void A_Pooled_Buffer_Is_Cleared_Where_The_Binary_Was_When_It_Is_Given_Back()
    {
        // An odd size of a bucket (4 MiB) that nothing else in the test run rents, so the array is looked at undisturbed.
        var buffer = BinaryBuffer.Rent(3_100_000);
        buffer.Memory.Span.Fill(0xAB);
        var array = buffer.Array;

        buffer.Dispose();

        Assert.Equal(-1, array.AsSpan(0, 3_100_000).IndexOfAnyExcept((byte)0));
    }

    [Fact]
    public void A_Buffer_Disposed_Twice_Goes_Back_To_The_Pool_Once()
    {
        var buffer = BinaryBuffer.Rent(3_200_000);
        buffer.Dispose();
        buffer.Dispose();

        // Returned twice, the pool would hold the array twice and hand it to two holders at once.
        using var first = BinaryBuffer.Rent(3_200_000);
        using var second = BinaryBuffer.Rent(3_200_000);
        Assert.NotSame(first.Array, second.Array);
    }

    [Fact]
    public async Task A_Disposed_Binary_Stream_Reads_Nothing_And_Gives_Its_Budget_Back()
    {
        var budget = new MemoryBudget(64L * 1024 * 1024);
        var data = new byte[300_000];
        new Random(5).NextBytes(data);
        var image = BinaryImage("app", data);
        registry.Add(image);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);
        var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct);
        var binary = inspection.Binary;
        Assert.Equal(BinaryBuffer.HeldBytes(data.Length), budget.Used);

        await inspection.DisposeAsync();
        await inspection.DisposeAsync();

        Assert.Equal(0, budget.Used);
        Assert.Throws<ObjectDisposedException>(() => binary.ReadByte());
        Assert.Throws<ObjectDisposedException>(() => ((MemoryStream)binary).ToArray());
    }

    [Fact]
    public async Task Binaries_Read_One_After_Another_Into_Reused_Buffers_Are_Each_Exactly_Their_Own_Bytes()
    {
        var budget = new MemoryBudget(64L * 1024 * 1024);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);
        foreach (var (size, seed) in new[] { (1_000_000, 1), (700_000, 2), (1_000_000, 3), (12, 4) })
        {
            var data = new byte[size];
            new Random(seed).NextBytes(data);
            var image = BinaryImage("app", data);
            registry.Add(image);

            await using var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct);

            Assert.Equal(size, inspection.Binary.Length);
            using var copy = new MemoryStream();
            await inspection.Binary.CopyToAsync(copy, Ct);
            Assert.Equal(data, copy.ToArray());
        }

        Assert.Equal(0, budget.Used);
    }
}
