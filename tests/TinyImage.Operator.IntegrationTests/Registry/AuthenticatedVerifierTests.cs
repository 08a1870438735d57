using Xunit;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Cli;
using TinyImage.Oci;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>The verifier and <c>verify IMAGE-REF</c> against the token-auth and TLS basic-auth registries.</summary>
public sealed class AuthenticatedVerifierTests(TokenRegistryFixture token, TlsBasicRegistryFixture tls)
    : IClassFixture<TokenRegistryFixture>, IClassFixture<TlsBasicRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] AuditableBinary()
    {
        var dir = RepoPaths.AuditableFixtures;
        var path = dir is null ? null : Path.Combine(dir, "rustsec__binary-with-audit-info");
        if (path is null || !System.IO.File.Exists(path))
        {
            Assert.Skip("The auditable fixtures are absent (../shared/fixtures/auditable not found).");
        }

        return System.IO.File.ReadAllBytes(path!);
    }

    private static string DockerConfig(string host, string user, string password) =>
        "{\"auths\":{\"" + host + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}}";

    [Fact]
    public async Task Verifier_Uses_The_Pull_Secret_For_The_Token_Flow()
    {
        token.SkipIfUnavailable();
        var image = BinaryImage("hello-world", AuditableBinary());
        string digest;
        using (var client = token.Client(new RegistryClientOptions { Credentials = token.Credentials }))
        {
            digest = await image.PushAsync(client, token.Ref("secure/hello"), "v1", Ct);
        }

        using var verifier = new ImageVerifier(new ImageVerifierOptions { Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
        var secret = Encoding.UTF8.GetBytes(DockerConfig(token.Host, TokenRegistryFixture.User, TokenRegistryFixture.Password));
        var ok = await verifier.VerifyAsync(new VerificationRequest($"{token.Host}/secure/hello", digest, "hello-world", VerifyPolicy.Default, secret, Insecure: true), Ct);
        var anonymous = await verifier.VerifyAsync(new VerificationRequest($"{token.Host}/secure/hello", digest, "hello-world", VerifyPolicy.Default with { ScratchOnly = true }, null, Insecure: true), Ct);

        Assert.True(ok.Passed, ok.Message);
        Assert.Equal(VerificationReasons.RegistryUnauthorized, anonymous.Reason);
    }

    [Fact]
    public async Task Verify_Verb_Pulls_An_Image_Reference_With_Creds_And_Ca_Over_Tls()
    {
        tls.SkipIfUnavailable();
        var image = BinaryImage("hello-world", AuditableBinary());
        string digest;
        using (var client = tls.Client(new RegistryClientOptions { Credentials = tls.Credentials }))
        {
            digest = await image.PushAsync(client, tls.Ref("cli/hello"), "v1", Ct);
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync(
            [$"{tls.Host}/cli/hello@{digest}", "--creds", $"{TlsBasicRegistryFixture.User}:{TlsBasicRegistryFixture.Password}", "--ca", tls.CaPemPath, "--output", "cyclonedx", LoopbackAllowed.Flag],
            stdout,
            stderr,
            Ct);

        Assert.True(exit == VerifyCommand.ExitPassed, stderr.ToString());
        Assert.Contains("pkg:cargo/hello-world@0.1.0", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains(digest, stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Verb_Reads_A_Docker_Config_File_And_Finds_The_Only_Binary()
    {
        tls.SkipIfUnavailable();
        var image = BinaryImage("hello-world", AuditableBinary());
        string digest;
        using (var client = tls.Client(new RegistryClientOptions { Credentials = tls.Credentials }))
        {
            digest = await image.PushAsync(client, tls.Ref("cli/dockerconfig"), "v1", Ct);
        }

        var config = Path.Combine(tls.Directory, "docker-config.json");
        await System.IO.File.WriteAllTextAsync(config, DockerConfig("https://" + tls.Host, TlsBasicRegistryFixture.User, TlsBasicRegistryFixture.Password), Ct);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync([$"{tls.Host}/cli/dockerconfig:v1", "--docker-config", config, "--ca", tls.CaPemPath, LoopbackAllowed.Flag], stdout, stderr, Ct);

        Assert.True(exit == VerifyCommand.ExitPassed, stderr.ToString());
        Assert.Contains("hello-world", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("binary /bin/hello-world", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Verb_Without_Credentials_Reports_Registry_Unauthorized()
    {
        tls.SkipIfUnavailable();
        var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync([$"{tls.Host}/cli/hello:v1", "--ca", tls.CaPemPath, LoopbackAllowed.Flag], new StringWriter(), stderr, Ct);

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        Assert.StartsWith(VerificationReasons.RegistryUnauthorized, stderr.ToString(), StringComparison.Ordinal);
    }
}
