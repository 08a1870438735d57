using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using TinyImage.Operator.Cli;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Cli;

/// <summary><c>verify --advisory-db</c> against the real RustSec snapshot and the real cargo-auditable fixtures.</summary>
public sealed class VerifyAdvisoryTests
{
    private const string Vulnerable = "rustsec__binary-with-vuln";
    private const string Clean = "rustsec__binary-with-audit-info";

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

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync(args, stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_Vulnerable_Fixture_Exits_1_And_The_Table_Names_The_Advisory_And_Its_Patched_Range()
    {
        var (exit, stdout, stderr) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", Database());

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        Assert.StartsWith("AdvisoryFound:", stderr, StringComparison.Ordinal);
        Assert.Contains("RUSTSEC-2019-0024 rustsec-example-crate 0.0.1 (patched: >= 1.0.0)", stderr, StringComparison.Ordinal);
        var row = stdout.Split('\n').Single(l => l.StartsWith("RUSTSEC-", StringComparison.Ordinal));
        Assert.Equal(
            ["RUSTSEC-2019-0024", "rustsec-example-crate", "0.0.1", ">=", "1.0.0", "unknown", "vulnerable"],
            row.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("1 advisory found, 0 warnings, advisory database sha256:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Clean_Fixture_Exits_0_And_Says_No_Advisory_Was_Found()
    {
        var (exit, stdout, stderr) = await Run(AuditFixtures.PathOf(Clean), "--advisory-db", Database());

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.StartsWith("Verified:", stderr, StringComparison.Ordinal);
        Assert.Contains("0 advisories found", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("RUSTSEC-", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_An_Advisory_Database_The_Vulnerable_Fixture_Still_Passes()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf(Vulnerable));

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.DoesNotContain("RUSTSEC-", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Json_Output_Lists_The_Advisory_Beside_The_Sbom()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", Database(), "--output", "json");

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("sbom").GetProperty("packages").GetArrayLength());
        Assert.StartsWith("sha256:", root.GetProperty("database").GetProperty("revision").GetString(), StringComparison.Ordinal);
        var vulnerabilities = root.GetProperty("vulnerabilities");
        Assert.True(vulnerabilities.GetProperty("found").GetBoolean());
        Assert.Equal(1, vulnerabilities.GetProperty("count").GetInt32());
        var item = Assert.Single(vulnerabilities.GetProperty("list").EnumerateArray());
        Assert.Equal("RUSTSEC-2019-0024", item.GetProperty("id").GetString());
        Assert.Equal("rustsec-example-crate", item.GetProperty("package").GetString());
        Assert.Equal("0.0.1", item.GetProperty("version").GetString());
        Assert.Equal([">= 1.0.0"], item.GetProperty("patched").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("unknown", item.GetProperty("severity").GetString());
        Assert.Empty(root.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task The_CycloneDx_Output_Has_The_Vulnerability_Affecting_The_Component_By_Its_Bom_Ref()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", Database(), "--output", "cyclonedx");

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        using var doc = JsonDocument.Parse(stdout);
        var component = doc.RootElement.GetProperty("components").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "rustsec-example-crate");
        var vulnerability = Assert.Single(doc.RootElement.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal("RUSTSEC-2019-0024", vulnerability.GetProperty("id").GetString());
        Assert.Equal("RustSec", vulnerability.GetProperty("source").GetProperty("name").GetString());
        Assert.Equal("https://rustsec.org/advisories/RUSTSEC-2019-0024.html", vulnerability.GetProperty("source").GetProperty("url").GetString());
        Assert.Equal("unknown", Assert.Single(vulnerability.GetProperty("ratings").EnumerateArray()).GetProperty("severity").GetString());
        var affects = Assert.Single(vulnerability.GetProperty("affects").EnumerateArray());
        Assert.Equal(component.GetProperty("bom-ref").GetString(), affects.GetProperty("ref").GetString());
        Assert.Contains(">= 1.0.0", vulnerability.GetProperty("recommendation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Clean_Fixture_Has_An_Empty_Vulnerabilities_Array_In_CycloneDx()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf(Clean), "--advisory-db", Database(), "--output", "cyclonedx");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Empty(doc.RootElement.GetProperty("vulnerabilities").EnumerateArray());
    }

    [Fact]
    public async Task A_Tar_Gz_Of_The_Snapshot_Reports_The_Same_Advisory()
    {
        var dir = Database();
        var archive = Path.Combine(Path.GetTempPath(), $"advisory-db-{Guid.NewGuid():N}.tar.gz");
        try
        {
            await using (var file = File.Create(archive))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    await tar.WriteEntryAsync(path, "advisory-db-main/" + Path.GetRelativePath(dir, path).Replace('\\', '/'), Ct);
                }
            }

            var (exit, stdout, stderr) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", archive);
            var (_, fromDirectory, _) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", dir);

            Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
            Assert.Contains("RUSTSEC-2019-0024 rustsec-example-crate 0.0.1 (patched: >= 1.0.0)", stderr, StringComparison.Ordinal);
            Assert.Equal(fromDirectory, stdout);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task An_Unreadable_Advisory_Database_Exits_2_With_A_Named_Reason()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-db-{Guid.NewGuid():N}.tar.gz");

        var (exit, _, stderr) = await Run(AuditFixtures.PathOf(Vulnerable), "--advisory-db", missing);

        Assert.Equal(VerifyCommand.ExitUsage, exit);
        Assert.StartsWith("AdvisoryDatabaseUnavailable:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Names_The_Option_And_The_Exit_Codes()
    {
        var (exit, stdout, _) = await Run("--help");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.Contains("--advisory-db DIR|FILE.tar.gz", stdout, StringComparison.Ordinal);
        Assert.Contains("exit codes: 0", stdout, StringComparison.Ordinal);
        Assert.Contains("AdvisoryFound", stdout, StringComparison.Ordinal);
    }
}
