using Xunit;
using TinyImage.Oci;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>The real docker-registry with token auth whose realm is on another host than the registry.</summary>
public sealed class ForeignRealmTests(ForeignRealmRegistryFixture registry) : IClassFixture<ForeignRealmRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Token_Realm_On_Another_Host_Does_Not_Receive_The_Basic_Credentials_Unless_Allowed()
    {
        registry.SkipIfUnavailable();
        var image = BinaryImage("app", "realm"u8.ToArray());
        var reachable = OutboundPolicy.Create(["127.0.0.0/8"]);
        var trusted = OutboundPolicy.Create(["127.0.0.0/8", "localhost"]);
        var issuedBefore = registry.TokensIssued;

        using (var withheld = registry.Client(new RegistryClientOptions { Credentials = registry.Credentials, Outbound = reachable }))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => image.PushAsync(withheld, registry.Ref("realm/app"), "v1", Ct));

            Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
            Assert.Contains("add localhost to the registry allow-list", e.Message, StringComparison.Ordinal);
            Assert.Equal(issuedBefore, registry.TokensIssued);
        }

        using var allowed = registry.Client(new RegistryClientOptions { Credentials = registry.Credentials, Outbound = trusted });
        var digest = await image.PushAsync(allowed, registry.Ref("realm/app"), "v1", Ct);

        Assert.Equal(image.Digest, digest);
        Assert.True(registry.TokensIssued > issuedBefore);
    }
}
