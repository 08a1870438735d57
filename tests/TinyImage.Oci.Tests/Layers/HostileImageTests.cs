using TinyImage.Oci.Layers;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// Images built to exhaust the reader: each is refused as <see cref="LayerErrorKind.TooLarge"/> by the cap it attacks,
/// early (before the rest of the image is read or fetched), so memory stays bounded by the caps, not by the input.
/// </summary>
public sealed class HostileImageTests : IDisposable
{
    private readonly FakeRegistry registry = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("tinyimage-hostile-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private async Task<ImageLayerException> InspectFailsAsync(TestImage image, LayerLimits limits)
    {
        registry.Add(image);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, limits, ScratchSpace.From(scratch));
        return await Assert.ThrowsAsync<ImageLayerException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));
    }

    [Fact]
    public async Task Pax_Name_Flood_Is_Refused_Once_The_Names_Exceed_Their_Budget_Long_Before_The_Last_Entry()
    {
        // The issue's attack: 20,000 PAX entries with 4,000-character names in one small gzip layer.
        var flood = HostileLayers.PaxNameFlood(20_000, 4_000);

        var e = await InspectFailsAsync(Image([flood]), LayerLimits.Default);

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("entry names take more than 4194304 bytes", e.Message, StringComparison.Ordinal);
        var after = int.Parse(e.Message[(e.Message.LastIndexOf("after ", StringComparison.Ordinal) + 6)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(after, 1_000, 1_100);
    }

    [Fact]
    public async Task Entry_Flood_Across_Layers_Is_Refused_At_The_Image_Entry_Cap()
    {
        var layer = GzipLayer([.. Enumerable.Range(0, 40).Select(i => File("f" + i, "x"))]);
        var layer2 = GzipLayer([.. Enumerable.Range(0, 40).Select(i => File("g" + i, "x"))]);

        var e = await InspectFailsAsync(Image([layer, layer2]), LayerLimits.Default with { MaxEntries = 60 });

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("more than 60 entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_Thousand_Layers_Are_Refused_From_The_Manifest_Before_Any_Blob_Is_Fetched()
    {
        var image = HostileLayers.ManyLayers(10_000);
        var blobRequests = 0;
        registry.Override = request =>
        {
            if (request.RequestUri!.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref blobRequests);
            }

            return null;
        };

        var e = await InspectFailsAsync(image, LayerLimits.Default);

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("10000 layers, over the limit of 128", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, blobRequests);
    }

    [Fact]
    public async Task Image_Declaring_More_Compressed_Bytes_Than_The_Cap_Is_Refused_Before_Any_Blob_Is_Fetched()
    {
        var image = Image([GzipLayer(File("bin/app", "x")), GzipLayer(File("bin/other", "y"))]);

        var e = await InspectFailsAsync(image, LayerLimits.Default with { MaxCompressedImageBytes = image.CompressedSize - 1 });

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("compressed, over the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_Bomb_Stops_At_The_Layer_Cap()
    {
        var bomb = HostileLayers.GzipBomb(64L << 20);

        var e = await InspectFailsAsync(Image([bomb]), LayerLimits.Default with { MaxUncompressedLayerBytes = 16L << 20 });

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("larger than 16777216 bytes uncompressed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_Bombs_Split_Over_Layers_Stop_At_The_Image_Cap()
    {
        // Each layer is under the per-layer cap; together they are over the image's.
        var layers = Enumerable.Range(0, 4).Select(_ => HostileLayers.GzipBomb(10L << 20)).ToList();

        var e = await InspectFailsAsync(Image(layers), LayerLimits.Default with { MaxUncompressedLayerBytes = 16L << 20, MaxUncompressedImageBytes = 24L << 20 });

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("uncompressed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zstd_Bomb_Asking_For_A_Large_Window_Is_Refused_Before_The_Decoder_Allocates_It()
    {
        // A frame compressed with a 128 MiB window makes a default decoder allocate 128 MiB.
        var bomb = HostileLayers.ZstdBomb(48L << 20, windowLog: 27);

        var e = await InspectFailsAsync(Image([bomb]), LayerLimits.Default);

        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("zstd", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zstd_Layer_With_An_Ordinary_Window_Is_Read()
    {
        // The control: the same content with zstd's usual window decompresses and its binary is found.
        var layer = HostileLayers.ZstdBomb(1L << 20, windowLog: 21);
        registry.Add(Image([layer]));
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch));

        await using var inspection = await inspector.InspectAsync(FakeRegistry.Ref("@" + Image([layer]).Digest), "zeros", null, Ct);

        Assert.Equal(1L << 20, inspection.Binary.Length);
        Assert.Equal("/bin/zeros", inspection.BinaryPath);
    }
}
