using System.Collections.Immutable;
using TinyImage.Advisories;
using TinyImage.Operator.Verification;
using TinyImage.Sbom;
using Xunit;

namespace TinyImage.Operator.Tests.Verification;

/// <summary>
/// How <see cref="AdvisoryAuditor"/> and <see cref="SbomPolicyEvaluator"/> apply <c>verify.advisories</c>, on a small
/// database written to a temporary folder: a vulnerability without CVSS, an unmaintained crate, a low-severity one with
/// a CVE alias.
/// </summary>
public sealed class AdvisoryPolicyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2031, 3, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly string root = Path.Combine(Path.GetTempPath(), "advisory-policy-" + Guid.NewGuid().ToString("n"));
    private AdvisoryDatabase database = null!;

    private static AuditData Sbom(params (string Name, string Version)[] packages) => new(
        [.. packages.Select(p => new AuditPackage(p.Name, p.Version, "crates.io", DependencyKind.Runtime, [], false)),
            new AuditPackage("app", "0.1.0", "local", DependencyKind.Runtime, [.. Enumerable.Range(0, packages.Length)], true)],
        0,
        packages.Length,
        ReadOnlyMemory<byte>.Empty);

    private static readonly AuditData Vulnerable = Sbom(("alpha", "1.0.0"), ("beta", "1.0.0"), ("gamma", "1.0.0"));

    public async ValueTask InitializeAsync()
    {
        Write("alpha", "RUSTSEC-2020-0001", "");
        Write("beta", "RUSTSEC-2020-0002", "informational = \"unmaintained\"\n");
        Write("gamma", "RUSTSEC-2020-0003", "cvss = \"CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N\"\naliases = [\"CVE-2020-1111\"]\n");
        for (var i = 0; i < 6; i++)
        {
            Write("many" + i, $"RUSTSEC-2021-000{i}", "");
        }

        database = await AdvisoryDatabase.LoadFromDirectoryAsync(root, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private void Write(string package, string id, string extra)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "crates", package)).FullName;
        File.WriteAllText(
            Path.Combine(dir, id + ".md"),
            $"```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2020-01-01\"\n{extra}\n[versions]\npatched = [\">= 2.0.0\"]\n```\n\n# {id}\n");
    }

    private Dictionary<string, AdvisoryFindingStatus> Statuses(AdvisoryPolicy policy, AuditData? sbom = null, DateTimeOffset? now = null) =>
        AdvisoryAuditor.Audit(database, sbom ?? Vulnerable, policy, now ?? Now).Findings.ToDictionary(f => f.Match.Id, f => f.Status);

    [Fact]
    public void By_Default_Vulnerabilities_Count_Whatever_Their_Severity_And_Informational_Ones_Do_Not()
    {
        var statuses = Statuses(AdvisoryPolicy.Default);

        Assert.Equal(AdvisoryFindingStatus.Counted, statuses["RUSTSEC-2020-0001"]);
        Assert.Equal(AdvisoryFindingStatus.Informational, statuses["RUSTSEC-2020-0002"]);
        Assert.Equal(AdvisoryFindingStatus.Counted, statuses["RUSTSEC-2020-0003"]);
    }

    [Fact]
    public void Informational_True_Counts_The_Unmaintained_Crate()
    {
        Assert.Equal(AdvisoryFindingStatus.Counted, Statuses(AdvisoryPolicy.Default with { Informational = true })["RUSTSEC-2020-0002"]);
    }

    [Fact]
    public void MinSeverity_Drops_A_Low_Advisory_But_Not_One_Without_A_Cvss_Vector()
    {
        var statuses = Statuses(AdvisoryPolicy.Default with { MinSeverity = CvssSeverity.Medium });

        Assert.Equal(AdvisoryFindingStatus.BelowMinSeverity, statuses["RUSTSEC-2020-0003"]);
        Assert.Equal(AdvisoryFindingStatus.Counted, statuses["RUSTSEC-2020-0001"]);
    }

    [Fact]
    public void An_Ignore_Entry_Matches_The_Id_Or_An_Alias_And_Expires_At_Midnight_Utc_Of_Its_Date()
    {
        var policy = AdvisoryPolicy.Default with
        {
            Ignore = [new AdvisoryIgnore("RUSTSEC-2020-0001", new DateOnly(2031, 4, 1), "not reachable"), new AdvisoryIgnore("CVE-2020-1111", null, null)],
        };

        var before = Statuses(policy, now: new DateTimeOffset(2031, 3, 31, 23, 59, 59, TimeSpan.Zero));
        var on = Statuses(policy, now: new DateTimeOffset(2031, 4, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(AdvisoryFindingStatus.Ignored, before["RUSTSEC-2020-0001"]);
        Assert.Equal(AdvisoryFindingStatus.Counted, on["RUSTSEC-2020-0001"]);
        Assert.Equal(AdvisoryFindingStatus.Ignored, on["RUSTSEC-2020-0003"]);
    }

    [Fact]
    public void Deny_Fails_With_AdvisoryFound_Naming_Each_Advisory_Package_Version_And_Patched_Versions_Most_Severe_First()
    {
        var policy = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default with { Action = AdvisoryAction.Deny } };

        var result = SbomPolicyEvaluator.Evaluate(policy, SbomOutcome<AuditData>.Ok(Vulnerable), null, database, Now);

        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.AdvisoryFound, result.Reason);
        Assert.Contains("2 advisories found: RUSTSEC-2020-0003 gamma 1.0.0 (patched: >= 2.0.0); RUSTSEC-2020-0001 alpha 1.0.0 (patched: >= 2.0.0).", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RUSTSEC-2020-0002", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.Advisories!.CountOf(CvssSeverity.Low));
    }

    [Fact]
    public void The_Message_Names_At_Most_Five_Advisories_And_Counts_The_Rest()
    {
        var sbom = Sbom([.. Enumerable.Range(0, 6).Select(i => ("many" + i, "1.0.0")), ("alpha", "1.0.0")]);
        var policy = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default with { Action = AdvisoryAction.Deny } };

        var result = SbomPolicyEvaluator.Evaluate(policy, SbomOutcome<AuditData>.Ok(sbom), null, database, Now);

        Assert.Contains("7 advisories found: ", result.Message, StringComparison.Ordinal);
        Assert.EndsWith(" and 2 more.", result.Message, StringComparison.Ordinal);
        Assert.Equal(5, result.Message.Split("RUSTSEC-").Length - 1);
    }

    [Fact]
    public void Warn_Passes_And_Says_What_Was_Found()
    {
        var policy = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default };

        var result = SbomPolicyEvaluator.Evaluate(policy, SbomOutcome<AuditData>.Ok(Vulnerable), null, database, Now);

        Assert.True(result.Passed);
        Assert.Contains("Warning: 2 advisories found: RUSTSEC-2020-0003 gamma 1.0.0", result.Message, StringComparison.Ordinal);
        Assert.Contains("RUSTSEC-2020-0001 alpha 1.0.0", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_A_Database_Deny_Waits_With_A_Transient_Reason_And_Warn_Passes_Saying_It_Did_Not_Check()
    {
        var deny = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default with { Action = AdvisoryAction.Deny } };
        var warn = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default };

        var denied = SbomPolicyEvaluator.Evaluate(deny, SbomOutcome<AuditData>.Ok(Vulnerable), null, null, Now);
        var warned = SbomPolicyEvaluator.Evaluate(warn, SbomOutcome<AuditData>.Ok(Vulnerable), null, null, Now);

        Assert.Equal(VerificationReasons.AdvisoryDatabaseUnavailable, denied.Reason);
        Assert.True(VerificationReasons.IsTransient(denied.Reason));
        Assert.True(warned.Passed);
        Assert.Contains("advisories were not checked", warned.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Cache_Key_Changes_With_The_Database_Revision_And_The_Utc_Day_Only_When_Advisories_Are_Audited()
    {
        const string D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var plain = VerifyPolicy.Default;
        var audited = VerifyPolicy.Default with { Advisories = AdvisoryPolicy.Default };

        Assert.Equal(VerificationCache.Key(D, "app", plain), VerificationCache.Key(D, "app", plain, "sha256:aa", Now));
        Assert.NotEqual(VerificationCache.Key(D, "app", audited, "sha256:aa", Now), VerificationCache.Key(D, "app", audited, "sha256:bb", Now));
        Assert.NotEqual(VerificationCache.Key(D, "app", audited, "sha256:aa", Now), VerificationCache.Key(D, "app", audited, "sha256:aa", Now.AddDays(1)));
        Assert.Equal(VerificationCache.Key(D, "app", audited, "sha256:aa", Now), VerificationCache.Key(D, "app", audited, "sha256:aa", Now.AddHours(1)));
        Assert.NotEqual(
            VerificationCache.Key(D, "app", audited, "sha256:aa", Now),
            VerificationCache.Key(D, "app", audited with { Advisories = AdvisoryPolicy.Default with { Action = AdvisoryAction.Deny } }, "sha256:aa", Now));
    }
}
