using k8s.Models;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class RecentWritesTests
{
    [Fact]
    public void The_Written_Copy_Is_Read_While_The_Cache_Still_Holds_The_Version_It_Replaced()
    {
        var writes = new RecentWrites<V1ConfigMap>();
        writes.Remember(Version("1"), Version("2"));

        Assert.Equal("2", writes.Newest(Key, Version("1"))!.Metadata.ResourceVersion);
        Assert.Equal(1, writes.Count);
    }

    [Fact]
    public void The_Written_Copy_Is_Forgotten_As_Soon_As_The_Cache_Shows_A_Newer_Version_Without_Another_Pass()
    {
        var writes = new RecentWrites<V1ConfigMap>();
        writes.Remember(Version("1"), Version("2"));

        writes.Seen(Version("1")); // a late event of the replaced version keeps it
        Assert.Equal(1, writes.Count);
        writes.Seen(Version("2"));

        Assert.Equal(0, writes.Count);
        Assert.Equal("2", writes.Newest(Key, Version("2"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public void A_Deleted_Object_Leaves_No_Written_Copy()
    {
        var writes = new RecentWrites<V1ConfigMap>();
        writes.Remember(Version("1"), Version("2"));

        writes.Forget(Key);

        Assert.Equal(0, writes.Count);
    }

    [Fact]
    public void The_Written_Copy_Is_Handed_To_The_Watch_Event_Of_Its_Own_Version_Only()
    {
        var writes = new RecentWrites<V1ConfigMap>();
        var written = Version("2");
        writes.Remember(Version("1"), written);

        Assert.Same(written, writes.Written(Key, "2"));
        Assert.Null(writes.Written(Key, "1"));
        Assert.Null(writes.Written(Key, "3"));
        Assert.Null(writes.Written(new ObjectKey("ns", "b"), "2"));
    }

    private static ObjectKey Key => new("ns", "a");

    private static V1ConfigMap Version(string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "a", ResourceVersion = resourceVersion } };
}
