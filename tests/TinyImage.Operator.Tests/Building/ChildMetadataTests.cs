using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class ChildMetadataTests
{
    [Fact]
    public void Build_Name_Is_Name_Build_Hash_For_A_Short_Name()
    {
        Assert.Equal("hello-build-0123456789", ChildMetadata.BuildName("hello", "0123456789"));
    }

    [Fact]
    public void Build_Name_Of_A_Long_Name_Stays_Within_63_Characters_Deterministically()
    {
        var longName = new string('a', 100) + ".example";
        var other = new string('a', 100) + ".example2";

        var name = ChildMetadata.BuildName(longName, "0123456789");

        Assert.True(name.Length <= 63, name);
        Assert.Equal(name, ChildMetadata.BuildName(longName, "0123456789"));
        Assert.NotEqual(name, ChildMetadata.BuildName(other, "0123456789"));
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
    }

    [Fact]
    public void Shortening_Never_Leaves_A_Dash_Or_Dot_Before_The_Suffix()
    {
        var name = new string('a', 40) + "-.-.-" + new string('b', 40);

        var shortened = ChildMetadata.Shorten(name, 46);

        Assert.True(shortened.Length <= 46);
        Assert.Matches("^a+-[0-9a-f]{5}$", shortened);
    }

    [Fact]
    public void Labels_Carry_The_Recommended_Keys_And_The_Build_Hash_Only_For_Builds()
    {
        var ti = Samples.Hello();

        var build = ChildMetadata.Labels(ti, ChildMetadata.ComponentBuild, "0123456789");
        var workload = ChildMetadata.Labels(ti, ChildMetadata.ComponentWorkload);

        Assert.Equal("tinyimage", build[Annotations.AppNameLabel]);
        Assert.Equal("hello", build[Annotations.InstanceLabel]);
        Assert.Equal("build", build[Annotations.ComponentLabel]);
        Assert.Equal("tinyimage-operator", build[Annotations.ManagedByLabel]);
        Assert.Equal("hello", build[Annotations.NameLabel]);
        Assert.Equal("0123456789", build[Annotations.BuildHashLabel]);
        Assert.False(workload.ContainsKey(Annotations.BuildHashLabel));
    }

    [Fact]
    public void Owner_Reference_Is_A_Blocking_Controller_Reference()
    {
        var owner = ChildMetadata.OwnerReference(Samples.Hello());

        Assert.Equal(("tinyimage.dev/v1alpha1", "TinyImage", "hello", Samples.Uid, true, true),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
    }

    [Fact]
    public void Owner_Reference_Needs_A_Uid()
    {
        var ti = Samples.Hello();
        ti.Metadata.Uid = null;

        Assert.Throws<ArgumentException>(() => ChildMetadata.OwnerReference(ti));
    }
}
