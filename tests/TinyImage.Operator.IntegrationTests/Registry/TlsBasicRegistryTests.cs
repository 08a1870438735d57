using Xunit;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>Against a real docker-registry over TLS (test CA) with htpasswd basic authentication.</summary>
public sealed class TlsBasicRegistryTests(TlsBasicRegistryFixture registry) : IClassFixture<TlsBasicRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_And_Pull_With_Basic_Credentials_Over_Tls_Trusting_The_Given_Ca()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client(new RegistryClientOptions { Credentials = registry.Credentials });
        var binary = Encoding.UTF8.GetBytes("tls binary");
        var image = BinaryImage("app", binary);
        var digest = await image.PushAsync(client, registry.Ref("team/tls"), "v1", Ct);

        await using var inspection = await new ImageInspector(client, LayerLimits.Default).InspectAsync(registry.Ref("team/tls@" + digest), "app", null, Ct);
        using var copy = new MemoryStream();
        await inspection.Binary.CopyToAsync(copy, Ct);
        Assert.Equal(binary, copy.ToArray());
    }

    [Fact]
    public async Task Ca_Bundle_File_Is_Loaded_From_Pem()
    {
        registry.SkipIfUnavailable();
        var trust = RegistryHttpHandlers.LoadPemBundle(registry.CaPemPath);
        using var client = new RegistryClient(
            RegistryHttpHandlers.Create(trust, insecure: false, TimeSpan.FromSeconds(5), LoopbackAllowed.Policy),
            true,
            new RegistryClientOptions { Credentials = registry.Credentials, Outbound = LoopbackAllowed.Policy },
            TimeProvider.System,
            NullLogger.Instance);
        var image = BinaryImage("app", [1, 2, 3]);
        var digest = await image.PushAsync(client, registry.Ref("team/pem"), "v1", Ct);
        Assert.Equal(image.Digest, digest);
    }

    [Fact]
    public async Task Credentials_From_A_Docker_Config_Json_Are_Used()
    {
        registry.SkipIfUnavailable();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TlsBasicRegistryFixture.User}:{TlsBasicRegistryFixture.Password}"));
        var json = "{\"auths\":{\"https://" + registry.Host + "/v1/\":{\"auth\":\"" + auth + "\"}}}";
        var credentials = RegistryCredentials.FromDockerConfigJson(Encoding.UTF8.GetBytes(json));
        using var client = registry.Client(new RegistryClientOptions { Credentials = credentials });
        var image = BinaryImage("app", [4, 5, 6]);

        var digest = await image.PushAsync(client, registry.Ref("team/dockerconfig"), "v1", Ct);
        var resolved = await client.GetManifestAsync(registry.Ref("team/dockerconfig@" + digest), Ct);
        Assert.Equal(digest, resolved.Digest);
    }

    [Fact]
    public async Task Anonymous_Pull_Is_Unauthorized()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/tls:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Wrong_Password_Is_Unauthorized()
    {
        registry.SkipIfUnavailable();
        var wrong = RegistryCredentials.For(registry.Host, new RegistryCredential(TlsBasicRegistryFixture.User, "wrong"));
        using var client = registry.Client(new RegistryClientOptions { Credentials = wrong });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/tls:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Server_Certificate_From_An_Untrusted_Ca_Is_Unavailable()
    {
        registry.SkipIfUnavailable();
        using var client = new RegistryClient(
            RegistryHttpHandlers.Create(null, insecure: false, TimeSpan.FromSeconds(5), LoopbackAllowed.Policy),
            true,
            new RegistryClientOptions { Credentials = registry.Credentials, MaxRetries = 0, Outbound = LoopbackAllowed.Policy },
            TimeProvider.System,
            NullLogger.Instance);
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(registry.Ref("team/tls:v1"), Ct));
        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("TLS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insecure_Mode_Accepts_The_Untrusted_Certificate()
    {
        registry.SkipIfUnavailable();
        using var client = new RegistryClient(
            RegistryHttpHandlers.Create(null, insecure: true, TimeSpan.FromSeconds(5), LoopbackAllowed.Policy),
            true,
            new RegistryClientOptions { Credentials = registry.Credentials, Insecure = true, Outbound = LoopbackAllowed.Policy },
            TimeProvider.System,
            NullLogger.Instance);
        var image = BinaryImage("app", [7, 7]);
        Assert.Equal(image.Digest, await image.PushAsync(client, registry.Ref("team/insecure-tls"), "v1", Ct));
    }
}
