using TinyImage.KubeEmulator.StandIns;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd.StandIns;

public sealed class KanikoArgumentsTests
{
    [Fact]
    public void Flags_In_Both_Forms_Are_Read_As_Kaniko_Reads_Them()
    {
        var parsed = KanikoArguments.Parse([
            "--context=dir:///workspace", "--dockerfile", "/kaniko/containerfile/Containerfile",
            "--destination=127.0.0.1:5000/demo/hello:build-1", "--destination=127.0.0.1:5000/demo/hello:latest",
            "--digest-file=/dev/termination-log", "--reproducible", "--skip-tls-verify=false", "--cache=true",
            "--cache-repo=127.0.0.1:5000/demo/cache", "--label", "a=b", "--verbosity=info",
        ]);

        Assert.True(parsed.IsSuccess, parsed.Error);
        var k = parsed.Value!;
        Assert.Equal("dir:///workspace", k.Context);
        Assert.Equal("/kaniko/containerfile/Containerfile", k.Dockerfile);
        Assert.Equal(["127.0.0.1:5000/demo/hello:build-1", "127.0.0.1:5000/demo/hello:latest"], k.Destinations);
        Assert.Equal("/dev/termination-log", k.DigestFile);
        Assert.True(k.Reproducible);
        Assert.False(k.SkipTlsVerify);
        Assert.False(k.Insecure);
        Assert.True(k.Cache);
        Assert.Equal("b", k.Labels["a"]);
    }

    [Theory]
    [InlineData("--frobnicate", "unknown or unsupported Kaniko flag --frobnicate")]
    [InlineData("--no-push", "unknown or unsupported Kaniko flag --no-push")]
    [InlineData("--build-arg==1", "--build-arg =1: no name")]
    [InlineData("--cache-ttl=2w", "not a duration")]
    [InlineData("positional", "not a flag")]
    [InlineData("--reproducible=maybe", "not a boolean")]
    [InlineData("--custom-platform=linux/arm64", "linux/amd64 only")]
    public void Unknown_Or_Unsupported_Flags_Fail(string flag, string expected)
    {
        var parsed = KanikoArguments.Parse(["--destination=r/x:y", flag]);

        Assert.False(parsed.IsSuccess);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Build_Without_Destination_Fails()
    {
        var parsed = KanikoArguments.Parse(["--dockerfile=/x/Containerfile"]);

        Assert.False(parsed.IsSuccess);
        Assert.Contains("no --destination", parsed.Error, StringComparison.Ordinal);
    }
}
