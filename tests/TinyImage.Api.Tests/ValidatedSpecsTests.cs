using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api.Tests;

public sealed class ValidatedSpecsTests
{
    [Fact]
    public void A_Generation_Found_Valid_Is_Not_Validated_Again()
    {
        var specs = new ValidatedSpecs();
        Assert.True(specs.Validate(Resource(1, "hello")).IsValid);

        // The same uid and generation: the remembered verdict stands (here it would be wrong, which proves it was not recomputed).
        var again = specs.Validate(Resource(1, "not a binary name"));

        Assert.True(again.IsValid);
        Assert.Equal(1, specs.Count);
    }

    [Fact]
    public void A_New_Generation_Is_Validated_And_An_Invalid_One_Is_Not_Remembered()
    {
        var specs = new ValidatedSpecs();
        Assert.True(specs.Validate(Resource(1, "hello")).IsValid);

        var invalid = specs.Validate(Resource(2, "not a binary name"));

        Assert.False(invalid.IsValid);
        Assert.Contains(invalid.Errors, e => e.Path == "spec.binary");
        Assert.Equal(0, specs.Count);
        Assert.False(specs.Validate(Resource(2, "not a binary name")).IsValid);
    }

    [Fact]
    public void An_Object_Without_Uid_Or_Generation_Is_Always_Validated()
    {
        var specs = new ValidatedSpecs();
        var noGeneration = Resource(1, "hello");
        noGeneration.Metadata.Generation = null;
        Assert.True(specs.Validate(noGeneration).IsValid);

        noGeneration.Spec.Binary = "not a binary name";

        Assert.False(specs.Validate(noGeneration).IsValid);
        Assert.Equal(0, specs.Count);
    }

    [Fact]
    public void A_Forgotten_Uid_Is_Validated_Again()
    {
        var specs = new ValidatedSpecs();
        Assert.True(specs.Validate(Resource(1, "hello")).IsValid);

        specs.Forget("uid-1");

        Assert.False(specs.Validate(Resource(1, "not a binary name")).IsValid);
    }

    [Fact]
    public void A_Copy_With_Other_Fields_Set_Is_Validated_Again_Under_Another_Variant()
    {
        var specs = new ValidatedSpecs();
        Assert.True(specs.Validate(Resource(1, "hello"), "builder@sha256:a").IsValid);

        Assert.True(specs.Validate(Resource(1, "not a binary name"), "builder@sha256:a").IsValid); // same variant: remembered
        Assert.False(specs.Validate(Resource(1, "not a binary name"), "builder@sha256:b").IsValid);
    }

    private static TinyImageResource Resource(long generation, string binary) => new()
    {
        Metadata = new() { Name = "hello", NamespaceProperty = "demo", Uid = "uid-1", Generation = generation },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
            Binary = binary,
            Output = new OutputSpec { Repository = "registry.local:5000/hello" },
        },
    };
}
