using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Advisories;
using TinyImage.Oci.Tests;
using TinyImage.Operator.Cli;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The real verifier and the <c>verify</c> verb against a real docker-registry holding an image of the fixture
/// <c>rustsec__binary-with-vuln</c>, audited against the real RustSec snapshot.
/// </summary>
public sealed class AdvisoryVerifierTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private const string Named = "RUSTSEC-2019-0024 rustsec-example-crate 0.0.1 (patched: >= 1.0.0)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Database()
    {
        if (RepoPaths.AdvisoryDb is not { } dir)
        {
            Assert.Skip("The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.");
            throw new InvalidOperationException("unreachable");
        }

        return dir;
    }

    private async Task<string> PushVulnerableAsync(string repository)
    {
        registry.SkipIfUnavailable();
        var image = BinaryImage("vulnerable-binary", AuditFixtures.Bytes("rustsec__binary-with-vuln"));
        using var client = registry.Client();
        return await image.PushAsync(client, registry.Ref(repository), "v1", Ct);
    }

    [Fact]
    public async Task The_Verifier_Refuses_Under_Deny_Waits_Without_A_Database_And_Reaudits_When_An_Ignore_Entry_Expires()
    {
        var dir = Database();
        var digest = await PushVulnerableAsync("advisories/vuln");
        var holder = new AdvisoryDatabaseHolder();
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 31, 23, 0, 0, TimeSpan.Zero));
        using var verifier = new ImageVerifier(new ImageVerifierOptions { Advisories = holder, Client = LoopbackAllowed.Options }, clock, NullLogger<ImageVerifier>.Instance);
        var deny = new AdvisoryPolicy(AdvisoryAction.Deny, [new AdvisoryIgnore("RUSTSEC-2019-0024", new DateOnly(2031, 4, 1), "tested")], false, null);
        var request = new VerificationRequest($"{registry.Host}/advisories/vuln", digest, "vulnerable-binary", VerifyPolicy.Default with { Advisories = deny }, null, Insecure: true);

        var waiting = await verifier.VerifyAsync(request, Ct);
        Assert.Equal(VerificationReasons.AdvisoryDatabaseUnavailable, waiting.Reason);

        using (var refresher = new AdvisoryDatabaseRefresher(holder, dir, TimeSpan.Zero, clock, NullLogger.Instance))
        {
            Assert.True(await refresher.RefreshAsync(Ct));
        }
        var ignored = await verifier.VerifyAsync(request, Ct);
        Assert.True(ignored.Passed, ignored.Message);
        Assert.Equal(AdvisoryFindingStatus.Ignored, Assert.Single(ignored.Advisories!.Findings).Status);

        clock.Advance(TimeSpan.FromHours(1));
        var refused = await verifier.VerifyAsync(request, Ct);
        Assert.Equal(VerificationReasons.AdvisoryFound, refused.Reason);
        Assert.Contains(Named, refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"RUSTSEC-2019-0024\"", refused.CycloneDxJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Database_Directory_That_Cannot_Be_Read_Leaves_The_Holder_Empty()
    {
        var holder = new AdvisoryDatabaseHolder();

        using var refresher = new AdvisoryDatabaseRefresher(holder, Path.Combine(Path.GetTempPath(), "no-advisory-db-" + Guid.NewGuid().ToString("n")), TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

        var loaded = await refresher.RefreshAsync(Ct);

        Assert.False(loaded);
        Assert.Null(holder.Current);
    }

    [Fact]
    public async Task The_Verify_Verb_On_An_Image_Reference_Exits_1_And_Names_The_Advisory()
    {
        var dir = Database();
        var digest = await PushVulnerableAsync("advisories/cli");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await new VerifyCommand().RunAsync([$"{registry.Host}/advisories/cli@{digest}", "--insecure", LoopbackAllowed.Flag, "--advisory-db", dir], stdout, stderr, Ct);

        Assert.True(exit == VerifyCommand.ExitPolicyFailed, stderr.ToString());
        Assert.Contains("AdvisoryFound: 1 advisory found: " + Named, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("RUSTSEC-2019-0024", stdout.ToString(), StringComparison.Ordinal);
    }
}
