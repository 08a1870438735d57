using Xunit;
using TinyImage.Oci.Layers;
using static TinyImage.Oci.Tests.TestImageBuilder;
using BclTar = System.Formats.Tar;

namespace TinyImage.Oci.Tests.Layers;

public sealed class TarStreamReaderTests
{
    private static async Task<List<(TarEntry Entry, byte[] Data)>> ReadAllAsync(byte[] tar, LayerLimits? limits = null)
    {
        var reader = new TarStreamReader(new MemoryStream(tar), limits ?? LayerLimits.Default);
        var result = new List<(TarEntry, byte[])>();
        while (await reader.NextAsync(TestContext.Current.CancellationToken) is { } entry)
        {
            using var data = new MemoryStream();
            await reader.CopyDataAsync(data, long.MaxValue, TestContext.Current.CancellationToken);
            result.Add((entry, data.ToArray()));
        }

        return result;
    }

    [Theory]
    [InlineData(BclTar.TarEntryFormat.Pax)]
    [InlineData(BclTar.TarEntryFormat.Gnu)]
    [InlineData(BclTar.TarEntryFormat.Ustar)]
    public async Task Reader_Reads_Files_Dirs_And_Links_In_Every_Format(BclTar.TarEntryFormat format)
    {
        var tar = Tar([Dir("bin/"), File("bin/app", "hello"), Symlink("bin/sh", "app"), Hardlink("bin/app2", "bin/app")], format);
        var entries = await ReadAllAsync(tar);

        Assert.Equal(["bin/", "bin/app", "bin/sh", "bin/app2"], entries.Select(e => e.Entry.Name));
        Assert.Equal([TarEntryType.Directory, TarEntryType.File, TarEntryType.Symlink, TarEntryType.Hardlink], entries.Select(e => e.Entry.Type));
        Assert.Equal("hello"u8.ToArray(), entries[1].Data);
        Assert.Equal("app", entries[2].Entry.LinkTarget);
        Assert.Equal("bin/app", entries[3].Entry.LinkTarget);
        Assert.Equal([0, 1, 2, 3], entries.Select(e => e.Entry.Ordinal));
    }

    [Theory]
    [InlineData(BclTar.TarEntryFormat.Pax)]
    [InlineData(BclTar.TarEntryFormat.Gnu)]
    public async Task Reader_Applies_Pax_And_Gnu_Long_Names_And_Long_Link_Targets(BclTar.TarEntryFormat format)
    {
        var longDir = string.Join('/', Enumerable.Repeat("abcdefghij", 30));
        var longTarget = "/" + longDir + "/target";
        var tar = Tar([File(longDir + "/file", "x"), Symlink("bin/link", longTarget)], format);
        var entries = await ReadAllAsync(tar);

        Assert.Equal(longDir + "/file", entries[0].Entry.Name);
        Assert.Equal("x"u8.ToArray(), entries[0].Data);
        Assert.Equal(longTarget, entries[1].Entry.LinkTarget);
    }

    [Fact]
    public async Task Reader_Joins_The_Ustar_Prefix_To_The_Name()
    {
        var name = string.Join('/', Enumerable.Repeat("dir", 30)) + "/file";
        var entries = await ReadAllAsync(Tar([File(name, "x")], BclTar.TarEntryFormat.Ustar));
        Assert.Equal(name, entries[0].Entry.Name);
    }

    [Fact]
    public async Task Reader_Rejects_A_Header_With_A_Wrong_Checksum()
    {
        var tar = Tar([File("bin/app", "hello")], BclTar.TarEntryFormat.Ustar);
        tar[0] ^= 0x01;
        var e = await Assert.ThrowsAsync<ImageLayerException>(() => ReadAllAsync(tar));
        Assert.Equal(LayerErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public async Task Reader_Rejects_An_Archive_Truncated_Inside_Data()
    {
        var tar = Tar([File("bin/app", new byte[2000])], BclTar.TarEntryFormat.Ustar);
        var e = await Assert.ThrowsAsync<ImageLayerException>(() => ReadAllAsync(tar[..1200]));
        Assert.Equal(LayerErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public async Task Reader_Rejects_An_Entry_Over_The_Size_Cap_Before_Reading_It()
    {
        var tar = Tar([File("bin/app", new byte[5000])]);
        var e = await Assert.ThrowsAsync<ImageLayerException>(() => ReadAllAsync(tar, new LayerLimits { MaxEntryBytes = 4096 }));
        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
        Assert.Contains("bin/app", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_Rejects_A_Pax_Header_Over_The_Metadata_Cap()
    {
        var entry = new BclTar.PaxTarEntry(BclTar.TarEntryType.RegularFile, "bin/app", new Dictionary<string, string> { ["comment"] = new string('x', 5000) });
        using var buffer = new MemoryStream();
        using (var writer = new BclTar.TarWriter(buffer, leaveOpen: true))
        {
            writer.WriteEntry(entry);
        }

        var e = await Assert.ThrowsAsync<ImageLayerException>(() => ReadAllAsync(buffer.ToArray(), new LayerLimits { MaxMetadataBytes = 4096 }));
        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
    }

    [Fact]
    public async Task Reader_Rejects_Random_Bytes()
    {
        var junk = new byte[1024];
        new Random(7).NextBytes(junk);
        var e = await Assert.ThrowsAsync<ImageLayerException>(() => ReadAllAsync(junk));
        Assert.Equal(LayerErrorKind.Malformed, e.Kind);
    }
}
