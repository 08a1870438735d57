using Xunit;
using TinyImage.Oci;

namespace TinyImage.Oci.Tests;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Bearer_Challenge_Yields_Realm_Service_And_Scope()
    {
        var c = AuthChallenge.Parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
        Assert.NotNull(c);
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.example/token", c.Realm);
        Assert.Equal("registry.example", c.Service);
        Assert.Equal("repository:a/b:pull,push", c.Scope);
    }

    [Fact]
    public void Basic_Challenge_Is_Recognised()
    {
        var c = AuthChallenge.Parse("Basic realm=\"Registry Realm\"");
        Assert.NotNull(c);
        Assert.True(c.IsBasic);
        Assert.Equal("Registry Realm", c.Realm);
    }

    [Fact]
    public void Empty_Header_Is_No_Challenge()
    {
        Assert.Null(AuthChallenge.Parse(""));
        Assert.Null(AuthChallenge.Parse(null));
    }
}
