using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The cross-tenant digest attack against the real docker-registry with token auth: tenant A verifies its private image
/// with its pull secret; tenant B names the same repository and digest, under the same policy, without A's credentials.
/// B must pull it itself (and be refused), never be answered from A's cached "Verified" and CycloneDX.
/// </summary>
public sealed class CrossTenantCacheTests(TokenRegistryFixture token) : IClassFixture<TokenRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DockerConfig(string host, string user, string password) =>
        "{\"auths\":{\"" + host + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}}";

    [Fact]
    public async Task Cross_Tenant_Digest_Is_Not_Answered_From_Another_Tenants_Verified_Result()
    {
        token.SkipIfUnavailable();
        string digest;
        using (var client = token.Client(new RegistryClientOptions { Credentials = token.Credentials }))
        {
            digest = await BinaryImage("app", Encoding.UTF8.GetBytes("tenant a's private binary")).PushAsync(client, token.Ref("tenant-a/private"), "v1", Ct);
        }

        using var verifier = new ImageVerifier(new ImageVerifierOptions { Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
        var policy = VerifyPolicy.Default with { RequireSbom = false };
        var repository = $"{token.Host}/tenant-a/private";
        var tenantA = Encoding.UTF8.GetBytes(DockerConfig(token.Host, TokenRegistryFixture.User, TokenRegistryFixture.Password));
        var tenantBGuess = Encoding.UTF8.GetBytes(DockerConfig(token.Host, TokenRegistryFixture.User, "not-the-password"));

        var a = await verifier.VerifyAsync(new VerificationRequest(repository, digest, "app", policy, tenantA, Insecure: true), Ct);
        var pullsAfterA = verifier.Pulls;
        var anonymous = await verifier.VerifyAsync(new VerificationRequest(repository, digest, "app", policy, null, Insecure: true), Ct);
        var guessed = await verifier.VerifyAsync(new VerificationRequest(repository, digest, "app", policy, tenantBGuess, Insecure: true), Ct);
        var aAgain = await verifier.VerifyAsync(new VerificationRequest(repository, digest, "app", policy, tenantA, Insecure: true), Ct);

        Assert.True(a.Passed, a.Message);
        Assert.Equal(VerificationReasons.RegistryUnauthorized, anonymous.Reason);
        Assert.Equal(VerificationReasons.RegistryUnauthorized, guessed.Reason);
        Assert.Null(anonymous.CycloneDxJson);
        Assert.Equal(pullsAfterA + 2, verifier.Pulls); // each of B's requests went to the registry
        Assert.True(aAgain.Passed);
        Assert.Equal(pullsAfterA + 2, verifier.Pulls); // A's own repeat is still served from the cache
    }
}
