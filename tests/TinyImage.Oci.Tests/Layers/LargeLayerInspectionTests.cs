using TinyImage.Oci.Layers;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// A layer of <see cref="ImageInspector.PipelineMinBytes"/> or more is read and hashed on one task and inflated and walked on
/// another (<see cref="LayerPump"/>). The pass keeps every rule of the one-task pass: the binary is exactly the layer's, the
/// layer is fetched once, and nothing read counts before the digest matched.
/// </summary>
public sealed class LargeLayerInspectionTests : IDisposable
{
    // Random bytes do not compress: the gzip layer is as large as the file, above the pipeline's threshold.
    private static readonly byte[] Genuine = Random(9 * 1024 * 1024, seed: 1);

    private readonly FakeRegistry registry = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("tinyimage-large-layer-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static TestBlob LargeLayer(byte[] binary)
    {
        var layer = GzipLayer(Dir("bin/"), File("bin/app", binary));
        Assert.True(layer.Bytes.Length >= ImageInspector.PipelineMinBytes, $"the layer ({layer.Bytes.Length} bytes) must take the two-task pass");
        return layer;
    }

    private async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_Large_Layer_Gives_Exactly_Its_Binary_From_One_Get()
    {
        var layer = LargeLayer(Genuine);
        var image = Image([layer]);
        registry.Add(image);
        var gets = 0;
        registry.Override = request =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/blobs/" + layer.Digest, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref gets);
            }

            return null;
        };
        var budget = new MemoryBudget(64L << 20);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        using (var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct))
        {
            Assert.Equal(Genuine, await ReadAllAsync(inspection.Binary));
            Assert.True(budget.Used > 0);
        }

        Assert.Equal(1, gets);
        Assert.Equal(1, inspector.LayersOnTwoTasks);
        Assert.Equal(0, budget.Used);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
    }

    [Fact]
    public async Task A_Large_Layer_Takes_The_One_Task_Pass_When_The_Memory_Budget_Cannot_Hold_The_Pipe()
    {
        var layer = LargeLayer(Genuine);
        var image = Image([layer]);
        registry.Add(image);
        var budget = new MemoryBudget(LayerPump.MaxAheadBytes - 1);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        using (var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct))
        {
            Assert.Equal(Genuine, await ReadAllAsync(inspection.Binary));
            Assert.Single(Directory.EnumerateFileSystemEntries(scratch)); // the binary did not fit either
        }

        Assert.Equal(0, inspector.LayersOnTwoTasks);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task The_Pipe_Of_A_Large_Layer_Counts_Against_The_Memory_Budget_While_The_Layer_Is_Read()
    {
        var layer = LargeLayer(Genuine);
        var image = Image([layer]);
        registry.Add(image);
        var budget = new MemoryBudget(64L << 20);
        long peak = 0;
        var body = new HookedReadStream(layer.Bytes, n =>
        {
            // The most the budget held at any read of the blob.
            var used = budget.Used;
            long seen;
            while (used > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, used, seen) != seen)
            {
            }

            return n;
        });
        registry.ServeBlob(layer.Digest, body, layer.Bytes.Length);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        using (var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct))
        {
            Assert.Equal(Genuine, await ReadAllAsync(inspection.Binary));
        }

        // While the layer was read the budget held the binary and the pipe; after, nothing.
        Assert.InRange(Interlocked.Read(ref peak), Genuine.Length + LayerPump.MaxAheadBytes, 64L << 20);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_Large_Layer_Replaced_By_Another_Of_The_Same_Length_Is_A_Digest_Mismatch_Though_Its_Binary_Was_Read()
    {
        var genuine = LargeLayer(Genuine);
        var forged = LargeLayer(Random(Genuine.Length, seed: 2));
        var image = Image([genuine]);
        registry.Add(image);
        registry.Blobs[genuine.Digest] = forged.Bytes;
        var budget = new MemoryBudget(64L << 20);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        var e = await Assert.ThrowsAsync<RegistryException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_Connection_That_Breaks_Near_The_End_Of_A_Large_Layer_Fails_The_Pull_And_Returns_The_Memory()
    {
        var layer = LargeLayer(Genuine);
        var image = Image([layer]);
        registry.Add(image);
        // Everything but the gzip trailer arrives (the binary is inflated and captured), then the connection breaks.
        registry.ServeBlob(layer.Digest, HookedReadStream.Breaking(layer.Bytes[..^8]), layer.Bytes.Length);
        var budget = new MemoryBudget(64L << 20);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        var e = await Assert.ThrowsAsync<RegistryException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(0, budget.Used);
    }
}
