using Xunit;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Oci;
using TinyImage.Operator.Verification;
using TinyImage.Oci.Tests;
using TinyImage.Testing;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The composed verifier against a real docker-registry: images holding the real cargo-auditable fixture binaries are
/// pushed, then verified by digest under several policies.
/// </summary>
public sealed class ImageVerifierTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Fixture(string name)
    {
        var dir = RepoPaths.AuditableFixtures;
        if (dir is null || !System.IO.File.Exists(Path.Combine(dir, name)))
        {
            Assert.Skip($"The auditable fixture {name} is absent (../shared/fixtures/auditable not found).");
        }

        return System.IO.File.ReadAllBytes(Path.Combine(dir!, name));
    }

    private async Task<string> PushAsync(TestImage image, string repository)
    {
        using var client = registry.Client();
        return await image.PushAsync(client, registry.Ref(repository), "v1", Ct);
    }

    private static ImageVerifier Verifier() => new(new ImageVerifierOptions { Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);

    private VerificationRequest Request(string repository, string digest, string binary, VerifyPolicy? policy = null) =>
        new($"{registry.Host}/{repository}", digest, binary, policy ?? VerifyPolicy.Default, null, Insecure: true);

    [Fact]
    public async Task Image_With_An_Auditable_Binary_Is_Verified_And_The_Result_Cached()
    {
        registry.SkipIfUnavailable();
        var image = BinaryImage("hello-world", Fixture("rustsec__binary-with-audit-info"));
        var digest = await PushAsync(image, "verify/hello");
        using var verifier = Verifier();
        var request = Request("verify/hello", digest, "hello-world", VerifyPolicy.Default with { ScratchOnly = true, ExpectedRootPackage = "hello-world" });

        var result = await verifier.VerifyAsync(request, Ct);
        var again = await verifier.VerifyAsync(request, Ct);

        Assert.True(result.Passed, result.Message);
        Assert.Equal(VerificationReasons.Verified, result.Reason);
        Assert.Equal(new SbomSummary(1, "hello-world 0.1.0", 0), result.Sbom);
        Assert.Equal(image.CompressedSize, result.ImageSizeBytes);
        Assert.Equal(1, result.LayerCount);
        Assert.Contains(digest, result.CycloneDxJson, StringComparison.Ordinal);
        Assert.Same(result, again);
        Assert.Equal(1, verifier.Pulls);

        var otherPolicy = await verifier.VerifyAsync(request with { Policy = request.Policy with { DenyPackages = ["hello-world"] } }, Ct);
        Assert.Equal(VerificationReasons.PackageDenied, otherPolicy.Reason);
        Assert.Equal(2, verifier.Pulls);
    }

    [Fact]
    public async Task Binary_Without_An_Sbom_Fails_As_Sbom_Missing()
    {
        registry.SkipIfUnavailable();
        var digest = await PushAsync(BinaryImage("app", Fixture("rustsec__binary-without-audit-info")), "verify/nosbom");
        using var verifier = Verifier();

        var result = await verifier.VerifyAsync(Request("verify/nosbom", digest, "app"), Ct);
        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.SbomMissing, result.Reason);
    }

    [Fact]
    public async Task Extra_Files_Fail_Scratch_Only_And_Are_Named()
    {
        registry.SkipIfUnavailable();
        var image = Image([GzipLayer(Dir("bin/"), File("bin/vuln", Fixture("rustsec__binary-with-vuln")), File("etc/passwd", "root:x:0:0"))]);
        var digest = await PushAsync(image, "verify/extra");
        using var verifier = Verifier();

        var result = await verifier.VerifyAsync(Request("verify/extra", digest, "vuln", VerifyPolicy.Default with { ScratchOnly = true }), Ct);
        Assert.Equal(VerificationReasons.NotScratchOnly, result.Reason);
        Assert.Contains("/etc/passwd", result.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Sbom?.PackageCount);
    }

    [Fact]
    public async Task Image_Over_The_Size_Cap_Is_Refused_Before_Layers_Are_Read()
    {
        registry.SkipIfUnavailable();
        var image = BinaryImage("hello-world", Fixture("rustsec__binary-with-audit-info"));
        var digest = await PushAsync(image, "verify/big");
        using var verifier = Verifier();

        var result = await verifier.VerifyAsync(Request("verify/big", digest, "hello-world", VerifyPolicy.Default with { MaxImageSizeBytes = 1000 }), Ct);
        Assert.Equal(VerificationReasons.ImageTooLarge, result.Reason);
        Assert.Equal(image.CompressedSize, result.ImageSizeBytes);
        Assert.Null(result.Sbom);
    }

    [Fact]
    public async Task Whiteout_Removing_The_Binary_Is_Binary_Not_Found()
    {
        registry.SkipIfUnavailable();
        var image = Image([GzipLayer(File("bin/app", Fixture("rustsec__binary-with-audit-info"))), GzipLayer(File("bin/.wh.app", string.Empty))]);
        var digest = await PushAsync(image, "verify/whiteout");
        using var verifier = Verifier();

        var result = await verifier.VerifyAsync(Request("verify/whiteout", digest, "app"), Ct);
        Assert.Equal(VerificationReasons.BinaryNotFound, result.Reason);
        Assert.Equal(2, result.LayerCount);
    }

    [Fact]
    public async Task Tampered_Registry_Fails_As_Digest_Mismatch_And_Is_Not_Cached()
    {
        registry.SkipIfUnavailable();
        var digest = await PushAsync(BinaryImage("app", Fixture("rustsec__binary-with-audit-info")), "verify/tampered");
        await using var proxy = await TamperingProxy.StartAsync(new Uri($"http://{registry.Host}"));
        using var verifier = Verifier();
        var request = new VerificationRequest($"{proxy.Host}/verify/tampered", digest, "app", VerifyPolicy.Default, null, Insecure: true);

        var result = await verifier.VerifyAsync(request, Ct);
        Assert.Equal(VerificationReasons.DigestMismatch, result.Reason);
        Assert.Equal(0, verifier.CachedResults);
    }

    [Fact]
    public async Task Invalid_Request_And_Unknown_Digest_Are_Results_Not_Exceptions()
    {
        registry.SkipIfUnavailable();
        using var verifier = Verifier();

        var invalid = await verifier.VerifyAsync(Request("verify/x", "sha256:nothex", "app"), Ct);
        var unknown = await verifier.VerifyAsync(Request("verify/none", "sha256:" + new string('1', 64), "app"), Ct);

        Assert.Equal(VerificationReasons.ImageMalformed, invalid.Reason);
        Assert.Equal(VerificationReasons.RegistryUnavailable, unknown.Reason);
        Assert.Contains("404", unknown.Message, StringComparison.Ordinal);
    }
}
