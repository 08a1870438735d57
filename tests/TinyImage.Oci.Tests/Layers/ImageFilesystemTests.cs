using Xunit;
using TinyImage.Oci.Layers;

namespace TinyImage.Oci.Tests.Layers;

public sealed class ImageFilesystemTests
{
    private static TarEntry F(string name, int ordinal, long size = 1) => new(name, TarEntryType.File, size, null, ordinal);

    private static TarEntry D(string name, int ordinal) => new(name, TarEntryType.Directory, 0, null, ordinal);

    private static TarEntry S(string name, string target, int ordinal) => new(name, TarEntryType.Symlink, 0, target, ordinal);

    private static TarEntry H(string name, string target, int ordinal) => new(name, TarEntryType.Hardlink, 0, target, ordinal);

    private static ImageFilesystem Fs(params TarEntry[][] layers)
    {
        var fs = new ImageFilesystem(LayerLimits.Default);
        for (var i = 0; i < layers.Length; i++)
        {
            fs.ApplyLayer(i, layers[i]);
        }

        return fs;
    }

    [Fact]
    public void Later_Layer_Replaces_A_File_And_Names_Are_Normalised()
    {
        var fs = Fs([D("./bin/", 0), F("./bin/app", 1, 10)], [F("/bin/app", 0, 20)]);
        var (path, node) = fs.ResolveFile("/bin/app");
        Assert.Equal("/bin/app", path);
        Assert.Equal((1, 0, 20L), (node.Layer, node.Ordinal, node.Size));
        Assert.Equal(["/bin", "/bin/app"], fs.Files.Select(f => f.Path));
    }

    [Fact]
    public void Whiteout_Removes_The_Binary_From_Lower_Layers()
    {
        var fs = Fs([F("bin/app", 0), F("bin/other", 1)], [F("bin/.wh.app", 0)]);
        var e = Assert.Throws<ImageLayerException>(() => fs.ResolveFile("/bin/app"));
        Assert.Equal(LayerErrorKind.BinaryNotFound, e.Kind);
        Assert.Equal(["/bin/other"], fs.Files.Select(f => f.Path));
    }

    [Fact]
    public void Whiteout_Of_A_Directory_Removes_Everything_Below_It_But_Not_Siblings_With_Similar_Names()
    {
        var fs = Fs([F("usr/share/a", 0), F("usr/share/b/c", 1), F("usr/share0", 2), F("usr/share-x", 3)], [F("usr/.wh.share", 0)]);
        Assert.Equal(["/usr/share-x", "/usr/share0"], fs.Files.Select(f => f.Path));
    }

    [Fact]
    public void Opaque_Whiteout_Hides_Lower_Children_But_Keeps_The_Same_Layers_Entries()
    {
        var fs = Fs([F("etc/passwd", 0), F("etc/group", 1), F("bin/app", 2)], [D("etc/", 0), F("etc/.wh..wh..opq", 1), F("etc/hosts", 2)]);
        Assert.Equal(["/bin/app", "/etc", "/etc/hosts"], fs.Files.Select(f => f.Path));
    }

    [Fact]
    public void A_File_Replacing_A_Directory_Removes_Its_Children()
    {
        var fs = Fs([F("opt/x/y", 0)], [F("opt/x", 0)]);
        Assert.Equal(["/opt/x"], fs.Files.Select(f => f.Path));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("bin/../../x")]
    [InlineData("/../x")]
    public void Entry_Names_With_Dot_Dot_Are_Path_Traversal(string name)
    {
        var e = Assert.Throws<ImageLayerException>(() => Fs([F(name, 0)]));
        Assert.Equal(LayerErrorKind.PathTraversal, e.Kind);
    }

    [Fact]
    public void Hardlink_Target_With_Dot_Dot_Is_Path_Traversal()
    {
        var e = Assert.Throws<ImageLayerException>(() => Fs([F("a", 0), H("bin/app", "../a", 1)]));
        Assert.Equal(LayerErrorKind.PathTraversal, e.Kind);
    }

    [Theory]
    [InlineData("bin/app", "../../etc/passwd")]
    [InlineData("app", "../x")]
    [InlineData("bin/app", "/../../x")]
    [InlineData("a/b/c", "../../../../x")]
    public void Symlinks_Leaving_The_Root_Are_Refused(string name, string target)
    {
        var e = Assert.Throws<ImageLayerException>(() => Fs([S(name, target, 0)]));
        Assert.Equal(LayerErrorKind.LinkEscapesRoot, e.Kind);
    }

    [Fact]
    public void Binary_Symlink_Inside_The_Image_Is_Resolved()
    {
        var fs = Fs([F("usr/local/bin/real", 0, 42), S("bin/app", "../usr/local/bin/real", 1)]);
        var (path, node) = fs.ResolveFile("/bin/app");
        Assert.Equal("/usr/local/bin/real", path);
        Assert.Equal(42, node.Size);
    }

    [Fact]
    public void Symlinked_Directory_On_The_Way_To_The_Binary_Is_Followed()
    {
        var fs = Fs([S("bin", "usr/bin", 0), F("usr/bin/app", 1, 7)]);
        Assert.Equal("/usr/bin/app", fs.ResolveFile("/bin/app").Path);
    }

    [Fact]
    public void Absolute_Symlink_Target_Is_Taken_From_The_Image_Root()
    {
        var fs = Fs([F("opt/app", 0, 3), S("bin/app", "/opt/app", 1)]);
        Assert.Equal("/opt/app", fs.ResolveFile("/bin/app").Path);
    }

    [Fact]
    public void Symlink_Loop_Is_Refused()
    {
        var fs = Fs([S("bin/app", "loop", 0), S("bin/loop", "app", 1)]);
        var e = Assert.Throws<ImageLayerException>(() => fs.ResolveFile("/bin/app"));
        Assert.Equal(LayerErrorKind.LinkEscapesRoot, e.Kind);
    }

    [Fact]
    public void Dangling_Binary_Symlink_Is_Binary_Not_Found()
    {
        var fs = Fs([S("bin/app", "nothing", 0)]);
        var e = Assert.Throws<ImageLayerException>(() => fs.ResolveFile("/bin/app"));
        Assert.Equal(LayerErrorKind.BinaryNotFound, e.Kind);
    }

    [Fact]
    public void Binary_That_Is_A_Directory_Is_Refused()
    {
        var fs = Fs([D("bin/app/", 0)]);
        var e = Assert.Throws<ImageLayerException>(() => fs.ResolveFile("/bin/app"));
        Assert.Equal(LayerErrorKind.BinaryNotRegularFile, e.Kind);
    }

    [Fact]
    public void Hardlink_Points_At_The_Data_Of_The_Linked_File()
    {
        var fs = Fs([F("opt/real", 0, 9)], [H("bin/app", "opt/real", 0)]);
        var (_, node) = fs.ResolveFile("/bin/app");
        Assert.Equal((0, 0, 9L), (node.Layer, node.Ordinal, node.Size));
    }

    [Fact]
    public void Hardlink_To_A_Missing_File_Is_Malformed()
    {
        var e = Assert.Throws<ImageLayerException>(() => Fs([H("bin/app", "opt/none", 0)]));
        Assert.Equal(LayerErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public void Too_Many_Entries_Are_Refused()
    {
        var fs = new ImageFilesystem(new LayerLimits { MaxEntries = 3 });
        var e = Assert.Throws<ImageLayerException>(() => fs.ApplyLayer(0, [F("a", 0), F("b", 1), F("c", 2), F("d", 3)]));
        Assert.Equal(LayerErrorKind.TooLarge, e.Kind);
    }
}
