using TinyImage.Operator.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

/// <summary>The inputs digest is remembered per TinyImage for its generation, source and commit, and forgotten with it (issue 17).</summary>
public sealed class InputDigestsTests
{
    [Fact]
    public void The_Same_Generation_Source_And_Commit_Give_The_Remembered_Digest_Without_Computing_Again()
    {
        var digests = new InputDigests();
        var resource = Samples.Hello();
        (resource.Metadata.Uid, resource.Metadata.Generation) = ("uid-1", 1);
        var first = digests.Inputs(resource.Valid(), "sha256:source", "abc");

        // The same uid and generation with another spec: the remembered digest stands, which proves it was not recomputed.
        var changed = Samples.Hello();
        (changed.Metadata.Uid, changed.Metadata.Generation) = ("uid-1", 1);
        changed.Spec.Binary = "other";

        Assert.Equal(PinnedBuildHash.Inputs(resource.Valid(), "sha256:source", "abc"), first);
        Assert.Equal(first, digests.Inputs(changed.Valid(), "sha256:source", "abc"));
        Assert.Equal(1, digests.Count);
    }

    [Fact]
    public void A_New_Generation_Source_Or_Commit_Is_Computed_And_Replaces_The_Entry()
    {
        var digests = new InputDigests();
        var resource = Samples.Hello();
        (resource.Metadata.Uid, resource.Metadata.Generation) = ("uid-1", 1);
        digests.Inputs(resource.Valid(), "sha256:source", "abc");
        var next = Samples.Hello();
        (next.Metadata.Uid, next.Metadata.Generation) = ("uid-1", 2);
        next.Spec.Binary = "other";
        var valid = next.Valid();

        Assert.Equal(PinnedBuildHash.Inputs(valid, "sha256:source", "abc"), digests.Inputs(valid, "sha256:source", "abc"));
        Assert.Equal(PinnedBuildHash.Inputs(valid, "sha256:edited", "abc"), digests.Inputs(valid, "sha256:edited", "abc"));
        Assert.Equal(PinnedBuildHash.Inputs(valid, "sha256:edited", "def"), digests.Inputs(valid, "sha256:edited", "def"));
        Assert.Equal(PinnedBuildHash.Inputs(valid, "sha256:edited", null), digests.Inputs(valid, "sha256:edited", null));
        Assert.Equal(1, digests.Count);
    }

    [Fact]
    public void An_Object_Without_Uid_Or_Generation_Is_Always_Computed_And_Not_Remembered()
    {
        var digests = new InputDigests();
        var resource = Samples.Hello();
        (resource.Metadata.Uid, resource.Metadata.Generation) = ("uid-1", null);
        digests.Inputs(resource.Valid(), null, null);
        resource.Spec.Binary = "other";

        Assert.Equal(PinnedBuildHash.Inputs(resource.Valid(), null, null), digests.Inputs(resource.Valid(), null, null));
        Assert.Equal(0, digests.Count);
    }

    [Fact]
    public void A_Forgotten_TinyImage_Leaves_Nothing_Behind()
    {
        var digests = new InputDigests();
        for (var i = 0; i < 3; i++)
        {
            var resource = Samples.Hello();
            (resource.Metadata.Uid, resource.Metadata.Generation) = ("uid-" + i, 1);
            digests.Inputs(resource.Valid(), null, null);
        }

        digests.Forget("uid-0");
        digests.Forget("uid-1");
        digests.Forget("uid-1");
        digests.Forget(null);

        Assert.Equal(1, digests.Count);
    }
}
