using System.Text.Json.Nodes;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Charts;

/// <summary>
/// The chart values of the operator's build and verification settings (builds.*, verification.*) reach its container
/// args, parse into the options the operator runs with, and default to the operator's own defaults.
/// </summary>
public sealed class OperatorSettingsChartTests
{
    [Fact]
    public async Task Chart_Defaults_Give_The_Operator_Its_Own_Defaults()
    {
        var options = Parse(await ArgsAsync([]));
        var defaults = new OperatorOptions();

        Assert.Equal(
            (defaults.MaxConcurrentBuilds, defaults.MaxConcurrentBuildsPerNamespace, defaults.ToolchainCheckInterval, defaults.CargoAuditableVersion, defaults.VerifyConcurrency, defaults.VerifyTimeout),
            (options.MaxConcurrentBuilds, options.MaxConcurrentBuildsPerNamespace, options.ToolchainCheckInterval, options.CargoAuditableVersion, options.VerifyConcurrency, options.VerifyTimeout));
        Assert.Equal((8, 4, TimeSpan.FromDays(1)), (defaults.MaxConcurrentBuilds, defaults.MaxConcurrentBuildsPerNamespace, defaults.ToolchainCheckInterval));
    }

    [Fact]
    public async Task Each_Build_And_Verification_Value_Reaches_The_Container_Args()
    {
        var args = await ArgsAsync(
        [
            "--set", "builds.maxConcurrent=0",
            "--set", "builds.maxConcurrentPerNamespace=2",
            "--set", "builds.toolchainCheckInterval=12h",
            "--set", "builds.cargoAuditableVersion=0.6.9",
            "--set", "verification.concurrency=6",
            "--set", "verification.timeout=90s",
        ]);

        Assert.Contains("--max-concurrent-builds=0", args);
        Assert.Contains("--max-concurrent-builds-per-namespace=2", args);
        Assert.Contains("--toolchain-check-interval=12h", args);
        Assert.Contains("--cargo-auditable-version=0.6.9", args);
        Assert.Contains("--verify-concurrency=6", args);
        Assert.Contains("--verify-timeout=90s", args);
        var options = Parse(args);
        Assert.Equal(
            (0, 2, TimeSpan.FromHours(12), "0.6.9", 6, TimeSpan.FromSeconds(90)),
            (options.MaxConcurrentBuilds, options.MaxConcurrentBuildsPerNamespace, options.ToolchainCheckInterval, options.CargoAuditableVersion, options.VerifyConcurrency, options.VerifyTimeout));
    }

    [Theory]
    [InlineData("builds.cargoAuditableVersion=latest")]
    [InlineData("builds.toolchainCheckInterval=daily")]
    [InlineData("verification.concurrency=0")]
    [InlineData("verification.timeout=soon")]
    [InlineData("builds.maxConcurrent=-1")]
    public async Task Values_Schema_Rejects_A_Setting_The_Operator_Would_Refuse(string set)
    {
        var result = await HelmChartTests.HelmAsync(["template", "t", "charts/tinyimage-operator", "--set", set]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(set[..set.IndexOf('=', StringComparison.Ordinal)].Replace('.', '/'), result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ArgsAsync(string[] set)
    {
        var objects = await HelmChartTests.TemplateAsync(set);
        var container = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        return [.. container["args"]!.AsArray().Select(a => (string)a!)];
    }

    private static OperatorOptions Parse(List<string> args)
    {
        var (parsed, error) = RunArguments.Parse(args[1..], _ => null);
        Assert.True(error is null, error);
        return parsed!.Options;
    }
}
