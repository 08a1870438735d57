using System.Text;
using System.Text.Json;
using TinyImage.Operator.Cli;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Cli;

public sealed class VerifyCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Verify_Prints_A_Package_Table_For_Each_Fixture(string name)
    {
        var path = AuditFixtures.PathOf(name);
        var expected = AuditFixtures.Expected(name);

        var (exit, stdout, stderr) = await Run(path);

        if (expected is null)
        {
            Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
            Assert.StartsWith("SbomMissing:", stderr, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.StartsWith("Verified:", stderr, StringComparison.Ordinal);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "VERSION", "SOURCE", "KIND", "ROOT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(expected);
        foreach (var package in doc.RootElement.GetProperty("packages").EnumerateArray())
        {
            var isRoot = package.TryGetProperty("root", out var r) && r.GetBoolean();
            var row = lines.Single(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] == package.GetProperty("name").GetString());
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(package.GetProperty("version").GetString(), cells[1]);
            Assert.Equal(package.GetProperty("source").GetString(), cells[2]);
            Assert.Equal(isRoot, cells[^1] == "*");
        }
    }

    [Theory]
    [MemberData(nameof(WithAuditData))]
    public async Task Verify_Json_Output_Is_The_Normalised_Auditable_Json(string name)
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf(name), "--output", "json");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.Equal(Encoding.UTF8.GetString(AuditFixtures.Expected(name)!), stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Verify_CycloneDx_Output_Is_A_CycloneDx_Document()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf("rustsec__binary-with-vuln"), "--output=cyclonedx");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("1.6", doc.RootElement.GetProperty("specVersion").GetString());
        Assert.Equal("vulnerable-binary", doc.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Verify_Exits_1_With_The_Reason_When_A_Package_Is_Denied()
    {
        var (exit, _, stderr) = await Run(AuditFixtures.PathOf("rustsec__binary-with-vuln"), "--deny", "serde", "--deny", "rustsec_example_crate");

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        Assert.StartsWith("PackageDenied:", stderr, StringComparison.Ordinal);
        Assert.Contains("rustsec-example-crate 0.0.1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Passes_A_Binary_Without_Sbom_When_Not_Required()
    {
        var (exit, stdout, _) = await Run(AuditFixtures.PathOf("rustsec__binary-without-audit-info"), "--no-require-sbom");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.Contains("NoAuditData", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Checks_The_Expected_Root()
    {
        var (exit, _, stderr) = await Run(AuditFixtures.PathOf("osvscalibr__no_deps"), "--expect-root", "other");

        Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
        Assert.StartsWith("RootPackageMismatch:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Fails_A_Malformed_Sbom_With_Exit_1()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tinyimage-verify-{Guid.NewGuid():N}");
        var (bytes, layout) = SyntheticBinaries.Elf(true, false, SyntheticBinaries.Zlib("""{"packages":[]}"""));
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        try
        {
            var (exit, _, stderr) = await Run(path);

            Assert.Equal(VerifyCommand.ExitPolicyFailed, exit);
            Assert.StartsWith("SbomMalformed:", stderr, StringComparison.Ordinal);
            Assert.Contains("NoRoot", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--output", "yaml", "x")]
    [InlineData("--deny")]
    [InlineData("--bogus", "x")]
    [InlineData("a", "b")]
    [InlineData("/nonexistent/tinyimage/binary")]
    public async Task Verify_Exits_2_On_Usage_Errors(params string[] args)
    {
        var (exit, stdout, stderr) = await Run(args);

        Assert.Equal(VerifyCommand.ExitUsage, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("verify:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Prints_Usage_For_Help()
    {
        var (exit, stdout, _) = await Run("--help");

        Assert.Equal(VerifyCommand.ExitPassed, exit);
        Assert.StartsWith("usage:", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string> Binaries() => AuditFixtures.Binaries();

    public static TheoryData<string> WithAuditData() => AuditFixtures.WithAuditData();

    [Fact]
    public void Temp_Dir_Is_An_Image_Option_And_Needs_A_Value()
    {
        var (options, _, error) = VerifyOptions.Parse(["registry.example/app:v1", "--temp-dir", "/scratch"]);
        var (_, _, missing) = VerifyOptions.Parse(["registry.example/app:v1", "--temp-dir"]);

        Assert.Null(error);
        Assert.Equal("/scratch", options!.Registry.TempDirectory);
        Assert.Equal("--temp-dir needs a value", missing);
    }
}
