using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

public sealed class RunArgumentsTests
{
    [Fact]
    public void Flags_Become_Operator_Options()
    {
        var (arguments, error) = RunArguments.Parse(
            ["--namespace", "a", "--namespace=b,c", "--kaniko-image", "k:1", "--builder-image=b:2", "--leader-elect=false", "--concurrency", "7", "--resync", "90s", "--metrics-port", "9090", "--kubeconfig", "/tmp/kc"],
            _ => null);

        Assert.Null(error);
        var options = arguments!.Options;
        Assert.Equal(["a", "b", "c"], options.WatchNamespaces);
        Assert.Equal(("k:1", "b:2", false, 7, TimeSpan.FromSeconds(90), 9090), (options.KanikoImage, options.BuilderImage, options.LeaderElection, options.Concurrency, options.ResyncPeriod, options.MetricsPort));
        Assert.Equal("/tmp/kc", arguments.Kubeconfig);
    }

    [Fact]
    public void Temp_Dir_And_Gnu_Builder_Image_Become_Operator_Options_And_Default_To_TMPDIR_And_The_Pinned_Image()
    {
        var set = RunArguments.Parse(["--temp-dir", "/scratch", "--gnu-builder-image=g:3"], _ => null).Arguments!.Options;
        var unset = RunArguments.Parse([], _ => null).Arguments!.Options;

        Assert.Equal(("/scratch", "g:3"), (set.TempDirectory, set.GnuBuilderImage));
        Assert.Null(unset.TempDirectory); // ScratchSpace.From(null) then uses $TMPDIR
        Assert.Equal(TinyImage.Operator.Configuration.OperatorOptions.DefaultGnuBuilderImage, unset.GnuBuilderImage);
        Assert.NotNull(RunArguments.Parse(["--temp-dir="], _ => null).Error);
    }

    [Fact]
    public void The_Operator_Namespace_Comes_From_POD_NAMESPACE_Unless_A_Flag_Says_Otherwise()
    {
        Assert.Equal("from-env", RunArguments.Parse([], n => n == "POD_NAMESPACE" ? "from-env" : null).Arguments!.Options.OperatorNamespace);
        Assert.Equal("from-flag", RunArguments.Parse(["--operator-namespace", "from-flag"], n => n == "POD_NAMESPACE" ? "from-env" : null).Arguments!.Options.OperatorNamespace);
    }

    [Fact]
    public void Build_Caps_Toolchain_Check_And_Cargo_Auditable_Flags_Become_Operator_Options()
    {
        var options = RunArguments.Parse(["--max-concurrent-builds", "0", "--max-concurrent-builds-per-namespace=3", "--toolchain-check-interval", "6h", "--cargo-auditable-version=0.6.9"], _ => null).Arguments!.Options;

        Assert.Equal((0, 3, TimeSpan.FromHours(6), "0.6.9"), (options.MaxConcurrentBuilds, options.MaxConcurrentBuildsPerNamespace, options.ToolchainCheckInterval, options.CargoAuditableVersion));
    }

    [Theory]
    [InlineData("--max-concurrent-builds", "-1")]
    [InlineData("--max-concurrent-builds-per-namespace", "many")]
    [InlineData("--toolchain-check-interval", "10s")]
    [InlineData("--cargo-auditable-version", "^0.7")]
    [InlineData("--concurrency", "0")]
    [InlineData("--resync", "soon")]
    [InlineData("--leader-elect=maybe", null)]
    [InlineData("--frobnicate", "1")]
    [InlineData("stray", null)]
    public void Bad_Flags_Are_Refused_With_A_Sentence(string flag, string? value)
    {
        var (arguments, error) = RunArguments.Parse(value is null ? [flag] : [flag, value], _ => null);

        Assert.Null(arguments);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Registry_Allow_And_Deny_Cidr_Flags_Repeat_Into_The_Outbound_Policy_Which_Denies_Loopback_By_Default()
    {
        var options = RunArguments.Parse(["--registry-allow", "registry.local", "--registry-allow=10.0.0.0/8", "--deny-cidr", "10.96.0.0/12", "--deny-cidr=10.244.0.0/16"], _ => null).Arguments!.Options;
        var defaults = RunArguments.Parse([], _ => null).Arguments!.Options;

        Assert.True(options.RegistryOutbound.AllowsHost("registry.local"));
        Assert.Null(options.RegistryOutbound.Refusal(System.Net.IPAddress.Parse("10.96.0.1")));
        Assert.NotNull(RunArguments.Parse(["--deny-cidr", "10.96.0.0/12"], _ => null).Arguments!.Options.RegistryOutbound.Refusal(System.Net.IPAddress.Parse("10.96.0.1")));
        Assert.Same(TinyImage.Oci.OutboundPolicy.Default, defaults.RegistryOutbound);
        Assert.NotNull(defaults.RegistryOutbound.Refusal(System.Net.IPAddress.Parse("127.0.0.1")));
    }

    [Theory]
    [InlineData("--registry-allow", "https://registry.local", "--registry-allow: ")]
    [InlineData("--deny-cidr", "registry.local", "--deny-cidr: ")]
    [InlineData("--deny-cidr", "10.0.0.0/40", "--deny-cidr: ")]
    public void Unusable_Outbound_Entries_Are_Refused_Naming_The_Flag(string flag, string value, string prefix)
    {
        var (arguments, error) = RunArguments.Parse([flag, value], _ => null);

        Assert.Null(arguments);
        Assert.StartsWith(prefix, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_Any_Configuration_The_Loader_Says_What_It_Tried()
    {
        var home = Path.Combine(Path.GetTempPath(), "tinyimage-no-home-" + Guid.NewGuid().ToString("N"));

        var (config, _, tried) = ClusterConfigLoader.Load(null, null, n => n == "HOME" ? home : null);

        Assert.Null(config);
        Assert.Contains(tried, t => t.Contains("$KUBECONFIG", StringComparison.Ordinal));
        Assert.Contains(tried, t => t.Contains(Path.Combine(home, ".kube", "config"), StringComparison.Ordinal));
        Assert.Contains(tried, t => t.Contains("in-cluster", StringComparison.Ordinal));
    }
}
