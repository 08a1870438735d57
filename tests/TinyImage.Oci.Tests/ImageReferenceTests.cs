using Xunit;
using TinyImage.Oci;

namespace TinyImage.Oci.Tests;

public sealed class ImageReferenceTests
{
    private const string D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("alpine", "docker.io", "library/alpine", "latest", null)]
    [InlineData("docker.io/alpine:3.20", "docker.io", "library/alpine", "3.20", null)]
    [InlineData("index.docker.io/team/app:v1", "docker.io", "team/app", "v1", null)]
    [InlineData("localhost/app", "localhost", "app", "latest", null)]
    [InlineData("127.0.0.1:5000/team/hello:dev", "127.0.0.1:5000", "team/hello", "dev", null)]
    [InlineData("registry.example:5000/a/b/c@" + D, "registry.example:5000", "a/b/c", null, D)]
    [InlineData("ghcr.io/o/r:t@" + D, "ghcr.io", "o/r", "t", D)]
    [InlineData("[::1]:5000/x", "[::1]:5000", "x", "latest", null)]
    [InlineData("reg.example/a__b/c-d.e_f", "reg.example", "a__b/c-d.e_f", "latest", null)]
    public void Parse_Splits_Registry_Repository_Tag_And_Digest(string text, string registry, string repository, string? tag, string? digest)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(new ImageReference(registry, repository, tag, digest), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPPER/case")]
    [InlineData("reg.example/app:")]
    [InlineData("reg.example/app:-bad")]
    [InlineData("reg.example/app@sha256:abc")]
    [InlineData("reg.example/app@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("reg.example/app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("reg.example:99999/app")]
    [InlineData("reg.example:/app")]
    [InlineData("-bad.example/app")]
    [InlineData("reg.example//app")]
    [InlineData("reg.example/app/")]
    [InlineData("reg.example/a..b")]
    [InlineData("reg.example/app name")]
    public void Parse_Rejects_Invalid_References(string text)
    {
        Assert.False(ImageReference.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
        var e = Assert.Throws<RegistryException>(() => ImageReference.Parse(text));
        Assert.Equal(RegistryErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public void Reference_Prefers_The_Digest_Over_The_Tag()
    {
        Assert.Equal(D, ImageReference.Parse("r.example/app:v1@" + D).Reference);
        Assert.Equal("v1", ImageReference.Parse("r.example/app:v1").Reference);
    }

    [Fact]
    public void ToString_Round_Trips()
    {
        var text = "r.example:5000/team/app:v1@" + D;
        Assert.Equal(text, ImageReference.Parse(text).ToString());
    }
}
