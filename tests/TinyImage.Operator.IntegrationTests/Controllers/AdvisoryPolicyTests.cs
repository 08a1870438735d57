using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Advisories;
using TinyImage.KubeEmulator;
using TinyImage.Sbom;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// <c>spec.verify.advisories</c> through the whole reconciler and the strict emulator: the images carry the SBOM of the
/// real fixture <c>rustsec__binary-with-vuln</c> (rustsec-example-crate 0.0.1) and are audited against the real RustSec
/// snapshot, which reports RUSTSEC-2019-0024 (patched: &gt;= 1.0.0).
/// </summary>
public sealed class AdvisoryPolicyTests
{
    private const string Named = "RUSTSEC-2019-0024 rustsec-example-crate 0.0.1 (patched: >= 1.0.0)";

    private static readonly Lazy<Task<AdvisoryDatabase>> Snapshot = new(() => AdvisoryDatabase.LoadFromDirectoryAsync(RepoPaths.AdvisoryDb!, CancellationToken.None));

    /// <summary>The vulnerable fixture's SBOM and the snapshot; skips saying why when ../shared is absent.</summary>
    private static async Task<(AuditData Sbom, AdvisoryDatabase Database)> FixturesAsync()
    {
        if (RepoPaths.AdvisoryDb is null)
        {
            Assert.Skip("The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.");
        }

        await using var binary = File.OpenRead(AuditFixtures.PathOf("rustsec__binary-with-vuln"));
        var sbom = AuditDataReader.Read(binary);
        Assert.True(sbom.IsSuccess);
        return (sbom.Value, await Snapshot.Value);
    }

    private static JsonObject Advisories(string action, JsonArray? ignore = null)
    {
        var advisories = new JsonObject { ["action"] = action };
        if (ignore is not null)
        {
            advisories["ignore"] = ignore;
        }

        return advisories;
    }

    private static void SetAdvisories(OperatorHarness h, JsonObject advisories, string? feature = null) =>
        h.EditSpec("hello", spec =>
        {
            spec["verify"]!["advisories"] = advisories;
            if (feature is not null)
            {
                spec["build"] = new JsonObject { ["features"] = new JsonArray(feature) };
            }
        });

    private static async Task<OperatorHarness> StartWithSequentialDigestsAsync()
    {
        var h = await StartAsync();
        var next = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest((char)('1' + Interlocked.Increment(ref next) - 1)));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        return h;
    }

    private static JsonObject? SbomAdvisories(OperatorHarness h) => h.TinyImage("hello")?["status"]?["sbom"]?["advisories"]?.AsObject();

    [Fact]
    public async Task With_Deny_A_New_Image_With_The_Advisory_Is_Refused_Naming_It_And_The_Verified_One_Keeps_Serving()
    {
        var (sbom, database) = await FixturesAsync();
        await using var h = await StartWithSequentialDigestsAsync();
        h.Verifier.Sbom = sbom;
        h.Verifier.Advisories.Set(database);
        h.StartOperator();
        h.CreateTinyImage("hello");
        await h.WaitForPhaseAsync("hello", "Ready");
        var served = h.DeployedImage("hello");
        Assert.Equal(Repository + "@" + Digest('1'), served);

        SetAdvisories(h, Advisories("Deny"), feature: "tls");
        await h.WaitForPhaseAsync("hello", "Failed");

        var verified = h.Condition("hello", "SbomVerified")!;
        Assert.Equal(("False", "AdvisoryFound"), ((string?)verified["status"], (string?)verified["reason"]));
        Assert.Contains(Named, (string?)verified["message"], StringComparison.Ordinal);
        Assert.Equal("True", (string?)h.Condition("hello", "Ready")?["status"]);
        Assert.Equal(served, h.DeployedImage("hello"));
        Assert.Contains(h.Verifier.Requests, r => r.Digest == Digest('2'));
    }

    [Fact]
    public async Task With_Warn_The_Image_Deploys_And_The_Condition_The_Status_And_An_Event_Say_What_Was_Found()
    {
        var (sbom, database) = await FixturesAsync();
        await using var h = await StartWithSequentialDigestsAsync();
        h.Verifier.Sbom = sbom;
        h.Verifier.Advisories.Set(database);
        h.StartOperator();
        h.CreateTinyImage("hello");
        SetAdvisories(h, Advisories("Warn"));
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => SbomAdvisories(h) is not null, "status.sbom.advisories");

        var verified = h.Condition("hello", "SbomVerified")!;
        Assert.Equal(("True", "Verified"), ((string?)verified["status"], (string?)verified["reason"]));
        Assert.Contains("Warning: 1 advisory found: " + Named, (string?)verified["message"], StringComparison.Ordinal);
        Assert.NotNull(h.DeployedImage("hello"));
        var summary = SbomAdvisories(h)!;
        Assert.Equal((1, 0, 0), ((int?)summary["unknown"], (int?)summary["critical"], (int?)summary["notCounted"]));
        Assert.Equal(database.Revision, (string?)summary["databaseRevision"]);
        await Eventually.TrueAsync(
            () => h.Kube.List("events.k8s.io/v1", "events", Namespace).Any(e => (string?)e["reason"] == "AdvisoryFound" && (string?)e["type"] == "Warning" && ((string?)e["note"])?.Contains(Named, StringComparison.Ordinal) == true),
            "a Warning Event AdvisoryFound naming the advisory");
    }

    [Fact]
    public async Task An_Ignore_Entry_Silences_The_Advisory_Until_Its_Expiry_Date()
    {
        var (sbom, database) = await FixturesAsync();
        await using var h = await StartWithSequentialDigestsAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 31, 23, 59, 0, TimeSpan.Zero));
        h.Verifier.Sbom = sbom;
        h.Verifier.Advisories.Set(database);
        h.Verifier.Time = clock;
        h.StartOperator();
        h.CreateTinyImage("hello");
        var ignore = new JsonArray(new JsonObject { ["id"] = "RUSTSEC-2019-0024", ["until"] = "2031-04-01", ["reason"] = "the example crate is not reachable" });
        SetAdvisories(h, Advisories("Deny", ignore));
        await h.WaitForPhaseAsync("hello", "Ready");
        await Eventually.TrueAsync(() => SbomAdvisories(h) is not null, "status.sbom.advisories");

        // Before the date: ignored, so not counted; the image deploys under Deny.
        Assert.Equal((0, 1), ((int?)SbomAdvisories(h)!["unknown"], (int?)SbomAdvisories(h)!["notCounted"]));
        var served = h.DeployedImage("hello");
        Assert.NotNull(served);

        // From 00:00 UTC of the date, the entry has expired: the next image is refused and the verified one keeps serving.
        clock.Advance(TimeSpan.FromMinutes(1));
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["features"] = new JsonArray("later") });
        await h.WaitForPhaseAsync("hello", "Failed");
        var verified = h.Condition("hello", "SbomVerified")!;
        Assert.Equal("AdvisoryFound", (string?)verified["reason"]);
        Assert.Contains(Named, (string?)verified["message"], StringComparison.Ordinal);
        Assert.Equal(served, h.DeployedImage("hello"));
    }

    [Fact]
    public async Task With_Deny_And_No_Database_Loaded_A_New_Image_Waits_With_A_Named_Reason_Instead_Of_Deploying()
    {
        var (sbom, database) = await FixturesAsync();
        await using var h = await StartWithSequentialDigestsAsync();
        h.Verifier.Sbom = sbom;
        h.StartOperator();
        h.CreateTinyImage("hello");
        SetAdvisories(h, Advisories("Deny"));

        await Eventually.TrueAsync(
            () => (string?)h.Condition("hello", "SbomVerified")?["reason"] == "AdvisoryDatabaseUnavailable",
            "SbomVerified AdvisoryDatabaseUnavailable",
            () => h.TinyImage("hello")?["status"]?.ToJsonString() ?? "");
        Assert.Equal("Unknown", (string?)h.Condition("hello", "SbomVerified")?["status"]);
        Assert.Equal("Verifying", h.Phase("hello"));
        Assert.Null(h.DeployedImage("hello"));

        // Once a database is loaded, the next pass audits the image and Deny refuses it.
        h.Verifier.Advisories.Set(database);
        h.Annotate("hello", "nudge", "1");
        await h.WaitForPhaseAsync("hello", "Failed");
        Assert.Equal("AdvisoryFound", (string?)h.Condition("hello", "SbomVerified")?["reason"]);
        Assert.Null(h.DeployedImage("hello"));
    }
}
