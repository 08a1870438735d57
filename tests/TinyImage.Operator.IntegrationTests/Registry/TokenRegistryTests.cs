using Xunit;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>Against a real docker-registry configured for token auth, with a token endpoint served by the test.</summary>
public sealed class TokenRegistryTests(TokenRegistryFixture registry) : IClassFixture<TokenRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bearer_Token_Flow_Pushes_And_Pulls_And_Reuses_The_Token_Per_Scope()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client(new RegistryClientOptions { Credentials = registry.Credentials });
        var image = BinaryImage("app", [1, 2, 3, 4]);
        var digest = await image.PushAsync(client, registry.Ref("team/token"), "v1", Ct);
        var pinned = registry.Ref("team/token@" + digest);

        await using (var inspection = await new ImageInspector(client, LayerLimits.Default).InspectAsync(pinned, "app", null, Ct))
        {
            Assert.Equal(4, inspection.Binary.Length);
        }

        var issued = registry.TokensIssued;
        await client.GetManifestAsync(pinned, Ct);
        await client.GetManifestAsync(pinned, Ct);
        Assert.Equal(issued, registry.TokensIssued);
    }

    [Fact]
    public async Task Token_Endpoint_Refusing_Anonymous_Access_Is_Unauthorized()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/token:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Wrong_Password_At_The_Token_Endpoint_Is_Unauthorized()
    {
        registry.SkipIfUnavailable();
        var wrong = RegistryCredentials.For(registry.Host, new RegistryCredential(TokenRegistryFixture.User, "nope"));
        using var client = registry.Client(new RegistryClientOptions { Credentials = wrong });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/token:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }
}
