using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api.Tests;

/// <summary>
/// A valid TinyImage with its toolchain images set (pinned by digest) is validated by the rules of those two fields
/// alone, with the verdict and the errors a full validation gives (issue 17).
/// </summary>
public sealed class WithBuildImagesTests
{
    private const string Builder = "registry.local:5000/tools/rust:1-alpine";

    private static readonly string Digest = "sha256:" + new string('1', 64);

    [Fact]
    public void A_Pinned_Copy_Is_Valid_Names_The_New_Images_And_Leaves_The_Original_As_It_Was()
    {
        var valid = Valid();
        var before = ApiJson.Serialize(valid.Resource);

        var pinned = valid.WithBuildImages(Builder + "@" + Digest, "gcr.io/kaniko-project/executor@" + Digest);

        Assert.True(pinned.IsValid, pinned.Message);
        Assert.Equal(Builder + "@" + Digest, pinned.Valid!.Spec.Build.BuilderImage);
        Assert.Equal("gcr.io/kaniko-project/executor@" + Digest, pinned.Valid.Spec.Build.KanikoImage);
        Assert.Equal(before, ApiJson.Serialize(valid.Resource));
        Assert.NotSame(valid.Spec.Build, pinned.Valid.Spec.Build);
        Assert.Same(valid.Spec.Deploy, pinned.Valid.Spec.Deploy);
        Assert.Same(valid.Resource.Metadata, pinned.Valid.Resource.Metadata);
        Assert.True(SpecValidator.Validate(pinned.Resource!).IsValid);
    }

    [Theory]
    [InlineData("registry.local:5000/tools/rust:1-alpine@sha256:1111\n", null)]
    [InlineData(null, "not an image reference!")]
    [InlineData("UPPER/case", "gcr.io/kaniko-project/executor:v1;rm -rf /")]
    [InlineData(null, null)]
    public void A_Reference_That_Does_Not_Validate_Gets_The_Errors_Of_A_Full_Validation(string? builder, string? kaniko)
    {
        var valid = Valid();
        valid.Resource.Spec.Build.BuilderHasCargoAuditable = false;

        var copy = valid.WithBuildImages(builder, kaniko);
        var full = SpecValidator.Validate(copy.Resource!);

        Assert.Equal(full.IsValid, copy.IsValid);
        Assert.Equal(full.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal), copy.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Too_Long_A_Reference_Is_Refused_As_The_Schema_Refuses_It()
    {
        var copy = Valid().WithBuildImages(Builder + "@" + Digest + new string('a', 512), null);

        Assert.False(copy.IsValid);
        Assert.Contains(copy.Errors, e => e.Path == "spec.build.builderImage");
        Assert.Equal(SpecValidator.Validate(copy.Resource!).Message, copy.Message);
    }

    [Fact]
    public void Dropping_The_Builder_Image_Of_A_Builder_With_Cargo_Auditable_Breaks_The_Rule_That_Ties_Them()
    {
        var valid = Valid();
        Assert.True(valid.Spec.Build.BuilderHasCargoAuditable);

        var copy = valid.WithBuildImages(null, null);

        Assert.False(copy.IsValid);
        Assert.Equal(SpecValidator.Validate(copy.Resource!).Message, copy.Message);
        Assert.Contains(copy.Errors, e => e.Path == "spec.build");
    }

    [Fact]
    public void Every_Spec_Member_But_Build_Is_The_Originals_So_A_New_Spec_Field_Cannot_Be_Dropped_By_The_Copy()
    {
        var valid = Valid();

        var pinned = valid.WithBuildImages(Builder + "@" + Digest, null).Valid!;

        var members = ApiJson.TypeInfo<TinyImageSpec>().Properties;
        Assert.NotEmpty(members);
        foreach (var member in members.Where(m => m.Name != "build"))
        {
            var original = member.Get!(valid.Spec);
            var copied = member.Get!(pinned.Spec);
            if (original is string || original is null || original.GetType().IsValueType)
            {
                Assert.Equal(original, copied);
            }
            else
            {
                Assert.True(ReferenceEquals(original, copied), "spec." + member.Name + " is not the original's in the pinned copy");
            }
        }
    }

    private static ValidTinyImage Valid()
    {
        var resource = new TinyImageResource
        {
            Metadata = new() { Name = "hello", NamespaceProperty = "demo", Uid = "uid-1", Generation = 1 },
            Spec = new TinyImageSpec
            {
                Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
                Binary = "hello",
                Build = new BuildSpec { BuilderImage = Builder, BuilderHasCargoAuditable = true, Features = ["a"] },
                Output = new OutputSpec { Repository = "registry.local:5000/hello" },
            },
        };
        return SpecValidator.Validate(resource).Valid ?? throw new InvalidOperationException("the sample is invalid");
    }
}
