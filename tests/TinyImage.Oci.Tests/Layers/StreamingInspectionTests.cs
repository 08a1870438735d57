using System.Text;
using TinyImage.Oci.Layers;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Oci.Tests.Layers;

/// <summary>
/// Each layer is read in one streaming pass (hashed, inflated and walked as it arrives) and the binary is kept from that
/// pass: in memory within the budget, on the scratch volume above it; later layers still override and delete it, an entry
/// the pass did not foresee is read again from its layer, and nothing the pass saw counts before the layer's digest matched.
/// </summary>
public sealed class StreamingInspectionTests : IDisposable
{
    private readonly FakeRegistry registry = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("tinyimage-streaming-").FullName;
    private readonly Dictionary<string, int> blobGets = new(StringComparer.Ordinal);

    public StreamingInspectionTests()
    {
        registry.Override = request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            var at = path.IndexOf("/blobs/", StringComparison.Ordinal);
            if (at >= 0)
            {
                lock (blobGets)
                {
                    var digest = path[(at + 7)..];
                    blobGets[digest] = blobGets.GetValueOrDefault(digest) + 1;
                }
            }

            return null;
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private async Task<ImageInspection> InspectAsync(TestImage image, string? binary, MemoryBudget? memory = null)
    {
        registry.Add(image);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), memory);
        return await inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), binary, null, Ct);
    }

    private static async Task<string> TextAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(Ct);
    }

    private int GetsOf(TestBlob blob) => blobGets.GetValueOrDefault(blob.Digest);

    [Fact]
    public async Task Binary_Within_The_Memory_Budget_Is_Kept_From_The_One_Pass_Without_Touching_The_Scratch_Directory()
    {
        var layer = GzipLayer(Dir("bin/"), File("bin/app", "the binary"), File("etc/other", "x"));

        await using var inspection = await InspectAsync(Image([layer]), "app");

        Assert.Equal("the binary", await TextAsync(inspection.Binary));
        Assert.IsNotType<FileStream>(inspection.Binary);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Equal(1, GetsOf(layer));
    }

    [Fact]
    public async Task Binary_Over_The_Memory_Budget_Goes_To_A_Scratch_File_Removed_When_The_Inspection_Is_Disposed()
    {
        var layer = GzipLayer(Dir("bin/"), File("bin/app", "a binary too large for a budget of 4 bytes"));

        var inspection = await InspectAsync(Image([layer]), "app", new MemoryBudget(4));
        Assert.IsType<FileStream>(inspection.Binary);
        Assert.Single(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Equal("a binary too large for a budget of 4 bytes", await TextAsync(inspection.Binary));
        await inspection.DisposeAsync();

        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Equal(1, GetsOf(layer));
    }

    [Fact]
    public async Task Memory_Held_For_A_Binary_Returns_To_The_Shared_Budget_When_The_Inspection_Is_Disposed()
    {
        var budget = new MemoryBudget(1024);
        var inspection = await InspectAsync(BinaryImage("app", new byte[100]), "app", budget);
        Assert.Equal(128, budget.Used); // the pooled buffer's size (a power of two), not only the binary's 100 bytes

        await inspection.DisposeAsync();

        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_Later_Layer_Replacing_The_Binary_Wins_And_Each_Layer_Is_Fetched_Once()
    {
        var lower = GzipLayer(Dir("bin/"), File("bin/app", "old"));
        var upper = GzipLayer(File("bin/app", "new"));

        await using var inspection = await InspectAsync(Image([lower, upper]), "app");

        Assert.Equal("new", await TextAsync(inspection.Binary));
        Assert.Equal(1, GetsOf(lower));
        Assert.Equal(1, GetsOf(upper));
    }

    [Fact]
    public async Task A_Later_Layer_Deleting_The_Binary_With_A_Whiteout_Leaves_No_Binary()
    {
        var lower = GzipLayer(Dir("bin/"), File("bin/app", "old"));
        var upper = GzipLayer(File("bin/.wh.app", string.Empty));

        var e = await Assert.ThrowsAsync<ImageLayerException>(() => InspectAsync(Image([lower, upper]), "app"));

        Assert.Equal(LayerErrorKind.BinaryNotFound, e.Kind);
    }

    [Fact]
    public async Task Binary_Reached_Through_A_Symlink_Of_A_Lower_Layer_Is_Kept_From_The_One_Pass()
    {
        var lower = GzipLayer(Dir("bin/"), Dir("opt/"), Symlink("bin/app", "/opt/app-1.2"));
        var upper = GzipLayer(File("opt/app-1.2", "through the link"));

        await using var inspection = await InspectAsync(Image([lower, upper]), "app");

        Assert.Equal("through the link", await TextAsync(inspection.Binary));
        Assert.Equal("/opt/app-1.2", inspection.BinaryPath);
        Assert.Equal(1, GetsOf(upper));
    }

    [Fact]
    public async Task Binary_Whose_Data_Sits_Under_Another_Name_Is_Read_Again_From_Its_Layer()
    {
        // The symlink comes in a layer above its target: the pass over the lower layer could not know the file was wanted.
        var lower = GzipLayer(Dir("opt/"), File("opt/app-1.2", "found on a second read"));
        var upper = GzipLayer(Dir("bin/"), Symlink("bin/app", "/opt/app-1.2"));

        await using var inspection = await InspectAsync(Image([lower, upper]), "app");

        Assert.Equal("found on a second read", await TextAsync(inspection.Binary));
        Assert.Equal(2, GetsOf(lower));
        Assert.Equal(1, GetsOf(upper));
    }

    [Fact]
    public async Task Binary_Given_By_A_Hardlink_Is_Read_From_The_Entry_That_Holds_Its_Data()
    {
        var layer = GzipLayer(Dir("bin/"), Dir("usr/"), File("usr/app", "hardlinked data"), Hardlink("bin/app", "usr/app"));

        await using var inspection = await InspectAsync(Image([layer]), "app");

        Assert.Equal("hardlinked data", await TextAsync(inspection.Binary));
    }

    [Fact]
    public async Task Without_A_Name_The_Sole_File_Of_Bin_Is_Kept_From_The_One_Pass()
    {
        var layer = GzipLayer(Dir("bin/"), File("bin/only", "sole"));

        await using var inspection = await InspectAsync(Image([layer]), null);

        Assert.Equal("sole", await TextAsync(inspection.Binary));
        Assert.Equal(1, GetsOf(layer));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a layer read on two tasks (LayerPump)
    public async Task A_Tampered_Layer_That_Does_Not_Parse_Is_A_Digest_Mismatch_Not_A_Verdict_On_The_Image(bool large)
    {
        // Random bytes do not compress: the large layer is as large as its file, above the two-task threshold.
        var layer = GzipLayer(Dir("bin/"), large ? File("bin/app", System.Security.Cryptography.RandomNumberGenerator.GetBytes(9 << 20)) : File("bin/app", "genuine"));
        Assert.Equal(large, layer.Bytes.Length >= ImageInspector.PipelineMinBytes);
        var image = Image([layer]);
        registry.Add(image);
        var garbage = new byte[layer.Bytes.Length];
        garbage.AsSpan().Fill(0x42); // same length, not gzip, not a tar header: the walk refuses it at once, the rest is still hashed
        registry.Blobs[layer.Digest] = garbage;
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch));

        var e = await Assert.ThrowsAsync<RegistryException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Equal(large ? 1 : 0, inspector.LayersOnTwoTasks);
    }

    [Fact]
    public async Task A_Tampered_Layer_That_Parses_Is_A_Digest_Mismatch_Even_Though_The_Binary_Was_Read()
    {
        var genuine = GzipLayer(Dir("bin/"), File("bin/app", "genuine"));
        var forged = GzipLayer(Dir("bin/"), File("bin/app", "forged!"));
        var image = Image([genuine]);
        registry.Add(image);
        registry.Blobs[genuine.Digest] = forged.Bytes;
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch));

        var e = await Assert.ThrowsAsync<RegistryException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));

        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task A_Connection_That_Breaks_After_The_Binary_Was_Captured_Fails_The_Pull_And_Returns_The_Memory()
    {
        var layer = GzipLayer(Dir("bin/"), File("bin/app", new string('b', 50_000)));
        var image = Image([layer]);
        registry.Add(image);
        // Everything but the gzip trailer arrives (the binary is inflated and captured), then the connection breaks.
        registry.ServeBlob(layer.Digest, HookedReadStream.Breaking(layer.Bytes[..^8]), layer.Bytes.Length);
        var budget = new MemoryBudget(1 << 20);
        using var client = registry.Client();
        var inspector = new ImageInspector(client, LayerLimits.Default, ScratchSpace.From(scratch), budget);

        var e = await Assert.ThrowsAsync<RegistryException>(() => inspector.InspectAsync(FakeRegistry.Ref("@" + image.Digest), "app", null, Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(0, budget.Used);
    }
}
