using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Oci.Tests;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// What a tenant can make the operator connect to, against the real docker-registry on 127.0.0.1: refused by default with a
/// named reason, reachable through the admin's allow-list, redirects to loopback and link-local refused, error bodies kept
/// out of the condition message. A redirecting Kestrel server on 127.0.0.2 plays the tenant's registry.
/// </summary>
public sealed class OutboundAttackTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private const string Secret = "AKIAIOSFODNN7EXAMPLE-tenant-secret";

    private static readonly OutboundPolicy OnlyTheRedirector = OutboundPolicy.Create(["127.0.0.2"]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImageVerifier Verifier(OutboundPolicy policy) =>
        new(new ImageVerifierOptions { Client = new RegistryClientOptions { Outbound = policy, MaxRetries = 0 } }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);

    private async Task<string> PushAsync(string repository)
    {
        using var client = registry.Client();
        return await BinaryImage("app", Encoding.UTF8.GetBytes("outbound " + repository)).PushAsync(client, registry.Ref(repository), "v1", Ct);
    }

    [Fact]
    public async Task Registry_On_Loopback_Is_Refused_By_Default_With_A_Named_Reason_And_Reached_Through_The_Allow_List()
    {
        registry.SkipIfUnavailable();
        var digest = await PushAsync("outbound/loopback");
        var request = new VerificationRequest($"{registry.Host}/outbound/loopback", digest, "app", VerifyPolicy.Default with { RequireSbom = false }, null, Insecure: true);

        using var byDefault = Verifier(OutboundPolicy.Default);
        var refused = await byDefault.VerifyAsync(request, Ct);
        using var allowed = Verifier(LoopbackAllowed.Policy);
        var reached = await allowed.VerifyAsync(request, Ct);

        Assert.Equal(VerificationReasons.RegistryDestinationRefused, refused.Reason);
        Assert.Contains("127.0.0.1 is loopback (127.0.0.0/8)", refused.Message, StringComparison.Ordinal);
        Assert.NotEqual(VerificationReasons.RegistryDestinationRefused, reached.Reason);
        Assert.Equal(1, reached.LayerCount);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}", "127.0.0.1 is loopback")]
    [InlineData("http://localhost:{port}", "loopback")]
    [InlineData("http://169.254.169.254", "169.254.169.254 is link-local (cloud metadata)")]
    [InlineData("http://[::ffff:169.254.169.254]", "link-local (cloud metadata)")]
    public async Task Redirect_From_An_Allowed_Registry_To_Loopback_Or_Link_Local_Is_Refused(string target, string reason)
    {
        registry.SkipIfUnavailable();
        var digest = await PushAsync("outbound/redirect");
        var to = target.Replace("{port}", registry.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var redirector = await Redirector(to);
        var request = new VerificationRequest($"{redirector.BaseUri.Authority}/outbound/redirect", digest, "app", VerifyPolicy.Default with { RequireSbom = false }, null, Insecure: true);
        using var verifier = Verifier(OnlyTheRedirector);

        var result = await verifier.VerifyAsync(request, Ct);

        Assert.Equal(VerificationReasons.RegistryDestinationRefused, result.Reason);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_To_The_Real_Registry_Is_Followed_When_Loopback_Is_Allowed()
    {
        // The control for the test above: the same redirect reaches the registry once the admin allows 127.0.0.0/8.
        registry.SkipIfUnavailable();
        var digest = await PushAsync("outbound/redirect-allowed");
        await using var redirector = await Redirector($"http://127.0.0.1:{registry.Port}");
        var request = new VerificationRequest($"{redirector.BaseUri.Authority}/outbound/redirect-allowed", digest, "app", VerifyPolicy.Default with { RequireSbom = false }, null, Insecure: true);
        using var verifier = Verifier(OutboundPolicy.Create(["127.0.0.0/8"]));

        var result = await verifier.VerifyAsync(request, Ct);

        Assert.NotEqual(VerificationReasons.RegistryDestinationRefused, result.Reason);
        Assert.Equal(1, result.LayerCount);
    }

    [Theory]
    [InlineData(401, VerificationReasons.RegistryUnauthorized)]
    [InlineData(403, VerificationReasons.RegistryUnauthorized)]
    [InlineData(400, VerificationReasons.ImageMalformed)]
    [InlineData(404, VerificationReasons.RegistryUnavailable)]
    public async Task Registry_Error_Body_With_A_Secret_Does_Not_Reach_The_Condition_Message(int status, string reason)
    {
        await using var leaky = await TestWebServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"errors":[{"code":"DENIED","message":"{{{Secret}}}","detail":"{{{Secret}}}"}]}""", Ct);
        }, "127.0.0.2");
        var request = new VerificationRequest($"{leaky.BaseUri.Authority}/outbound/leak", "sha256:" + new string('1', 64), "app", VerifyPolicy.Default, null, Insecure: true);
        using var verifier = Verifier(OnlyTheRedirector);

        var result = await verifier.VerifyAsync(request, Ct);

        Assert.False(result.Passed);
        Assert.DoesNotContain(Secret, result.Message, StringComparison.Ordinal);
        Assert.Equal(reason, result.Reason);
        if (status != 401)
        {
            // A 401 without a challenge is refused before its body is read; the others name the status and the code.
            Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Message, StringComparison.Ordinal);
            Assert.Contains("registry error DENIED", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Real_Registry_Errors_Name_The_Status_And_The_Registry_Error_Code()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("outbound/absent@sha256:" + new string('2', 64)), Ct));

        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
        Assert.Contains("404 Not Found (registry error ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A "registry" on 127.0.0.2 that answers every request with 307 to the same path on <paramref name="target"/>.</summary>
    private static Task<TestWebServer> Redirector(string target) =>
        TestWebServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = target + context.Request.Path + context.Request.QueryString;
            return Task.CompletedTask;
        }, "127.0.0.2");
}
