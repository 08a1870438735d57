using Xunit;
using TinyImage.Operator.Cli;
using TinyImage.Oci;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Tests.Verification;

public sealed class VerificationCacheTests
{
    private const string D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static VerificationResult R(string reason) => new(reason == VerificationReasons.Verified, reason, reason, null, null, null, null);

    [Fact]
    public void Key_Changes_With_The_Policy_And_The_Binary_But_Not_The_Deny_Order()
    {
        var p = VerifyPolicy.Default with { DenyPackages = ["a", "b"] };
        Assert.Equal(VerificationCache.Key(D, "app", p), VerificationCache.Key(D, "app", p with { DenyPackages = ["b", "a"] }));
        Assert.NotEqual(VerificationCache.Key(D, "app", p), VerificationCache.Key(D, "other", p));
        Assert.NotEqual(VerificationCache.Key(D, "app", p), VerificationCache.Key(D, "app", p with { ScratchOnly = true }));
        Assert.NotEqual(VerificationCache.Key(D, "app", p), VerificationCache.Key(D, "app", p with { MaxImageSizeBytes = 1 }));
        Assert.StartsWith(D, VerificationCache.Key(D, "app", p), StringComparison.Ordinal);
    }

    [Fact]
    public void Least_Recently_Used_Entry_Is_Evicted_At_Capacity()
    {
        var cache = new VerificationCache(2);
        cache.Put("a", R("A"));
        cache.Put("b", R("B"));
        Assert.True(cache.TryGet("a", out _));
        cache.Put("c", R("C"));

        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal("A", a.Reason);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Cache_Evicts_The_Least_Recently_Used_Results_To_Stay_Within_Its_Byte_Budget()
    {
        var big = R("Verified") with { CycloneDxJson = new string('x', 200_000) };
        var cache = new VerificationCache(capacity: 100, maxBytes: 1_000_000);
        cache.Put("a", big);
        cache.Put("b", big);
        cache.Put("c", big);

        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.InRange(cache.Bytes, 1, 1_000_000);
    }

    [Fact]
    public void Result_Larger_Than_The_Whole_Budget_Is_Not_Cached()
    {
        var cache = new VerificationCache(capacity: 100, maxBytes: 100_000);
        cache.Put("a", R("Verified") with { CycloneDxJson = new string('x', 60_000) });

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Scope_Tells_Repositories_Credentials_And_Insecure_Apart()
    {
        var secret = "{\"auths\":{}}"u8.ToArray();
        var scope = VerificationCache.Scope("reg.example/team-a/app", secret, insecure: false);

        Assert.NotEqual(scope, VerificationCache.Scope("reg.example/team-b/app", secret, insecure: false));
        Assert.NotEqual(scope, VerificationCache.Scope("reg.example/team-a/app", null, insecure: false));
        Assert.NotEqual(scope, VerificationCache.Scope("reg.example/team-a/app", "{\"auths\":{\"x\":{}}}"u8.ToArray(), insecure: false));
        Assert.NotEqual(scope, VerificationCache.Scope("reg.example/team-a/app", secret, insecure: true));
        Assert.Equal(scope, VerificationCache.Scope("reg.example/team-a/app", [.. secret], insecure: false));
    }

    [Fact]
    public void Verify_Options_Parse_Registry_Access()
    {
        var (options, _, error) = VerifyOptions.Parse(["r.example/app:v1", "--creds", "u:p:w", "--insecure", "--ca", "ca.pem", "--binary=hello"]);
        Assert.Null(error);
        Assert.Equal(new RegistryAccessOptions("u:p:w", null, true, "ca.pem", "hello"), options!.Registry);
    }

    [Fact]
    public void Verify_Options_Take_Registry_Allow_Like_The_Operator()
    {
        var (options, _, error) = VerifyOptions.Parse(["127.0.0.1:5000/app:v1", "--registry-allow", "127.0.0.1", "--registry-allow=*.svc"]);
        var (_, _, bad) = VerifyOptions.Parse(["r.example/app:v1", "--registry-allow", "http://x"]);

        Assert.Null(error);
        Assert.Null(options!.Registry.Outbound.Refusal(System.Net.IPAddress.Loopback));
        Assert.True(options.Registry.Outbound.AllowsHost("reg.ns.svc"));
        Assert.StartsWith("--registry-allow: ", bad, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--creds", "nocolon")]
    [InlineData("--docker-config", "")]
    public void Verify_Options_Refuse_Bad_Registry_Access(string option, string value)
    {
        var (options, _, error) = VerifyOptions.Parse(["r.example/app:v1", option, value]);
        Assert.Null(options);
        Assert.NotNull(error);
    }

    [Fact]
    public void Verify_Options_Refuse_Creds_With_A_Docker_Config()
    {
        var (_, _, error) = VerifyOptions.Parse(["r.example/app", "--creds", "u:p", "--docker-config", "c.json"]);
        Assert.Contains("exclude", error, StringComparison.Ordinal);
    }
}
