using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class PinnedBuildHashTests
{
    private static readonly OperatorOptions Options = new();

    [Fact]
    public void The_V1_Hash_Stays_What_The_Previous_Release_Computed_For_The_Hello_Sample()
    {
        // b25f6caa17 is the hash the release before v2 rendered for this sample (its Cli/golden/render-hello.yaml).
        var sample = YamlReader.Read(File.ReadAllText(RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_hello.yaml"))).Documents[0].Root!;
        var ti = ApiJson.Deserialize<TinyImage.Api.V1Alpha1.TinyImage>(sample.ToJsonString())!;

        Assert.Equal("b25f6caa17", BuildHash.Compute(ti.Valid(), Options));
        Assert.Equal("b25f6caa17", BuildHash.Compute(ti.Valid(), PreviousReleaseDefaults.Apply(Options with { BuilderImage = "rust:2-alpine" })));
    }

    [Fact]
    public void The_V2_Hash_Carries_Its_Version_The_Pinned_Toolchain_And_The_Cargo_Auditable_Version()
    {
        var valid = Samples.Hello().Valid();
        var text = PinnedBuildHash.Canonicalize(valid, Options, null);

        Assert.StartsWith(PinnedBuildHash.FormatVersion + "\n", text, StringComparison.Ordinal);
        Assert.Contains("build.builderImage=\"" + OperatorOptions.DefaultBuilderImage + "\"", text, StringComparison.Ordinal);
        Assert.Contains("build.cargoAuditableVersion=\"" + OperatorOptions.DefaultCargoAuditableVersion + "\"", text, StringComparison.Ordinal);
        Assert.NotEqual(PinnedBuildHash.Compute(valid, Options, null), PinnedBuildHash.Compute(valid, Options with { CargoAuditableVersion = "0.6.7" }, null));
        Assert.NotEqual(BuildHash.Compute(valid, Options), PinnedBuildHash.Compute(valid, Options, null));
    }

    [Fact]
    public void A_Moved_Digest_Of_A_Tag_Changes_The_V2_Hash()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.BuilderImage = "rust:1-alpine";
        var valid = ti.Valid();
        ToolchainImage[] Pins(char c) =>
        [
            new() { Role = ToolchainImage.RoleBuilder, Image = "rust:1-alpine", Digest = "sha256:" + new string(c, 64) },
        ];

        var one = ToolchainPins.Apply(valid, Options, Pins('1'))!;
        var two = ToolchainPins.Apply(valid, Options, Pins('2'))!;

        Assert.Equal("rust:1-alpine@sha256:" + new string('1', 64), one.Spec.Build.BuilderImage);
        Assert.NotEqual(PinnedBuildHash.Compute(one, Options, null), PinnedBuildHash.Compute(two, Options, null));
        Assert.Null(PinnedBuildHash.ComputeOffline(valid, Options));
    }

    [Fact]
    public void The_Inputs_Digest_Follows_The_Spec_And_The_Source_But_No_Operator_Default()
    {
        var valid = Samples.Hello().Valid();
        var inputs = PinnedBuildHash.Inputs(valid, "sha256:" + new string('c', 64));

        var other = Samples.Hello();
        other.Spec.Binary = "other";
        var pinnedVersion = Samples.Hello();
        pinnedVersion.Spec.Build.CargoAuditableVersion = "0.7.7";

        Assert.StartsWith("sha256:", inputs, StringComparison.Ordinal);
        Assert.NotEqual(inputs, PinnedBuildHash.Inputs(other.Valid(), "sha256:" + new string('c', 64)));
        Assert.NotEqual(inputs, PinnedBuildHash.Inputs(valid, "sha256:" + new string('d', 64)));
        Assert.NotEqual(inputs, PinnedBuildHash.Inputs(pinnedVersion.Valid(), "sha256:" + new string('c', 64)));
        Assert.Equal(inputs, PinnedBuildHash.Inputs(Samples.Hello().Valid(), "sha256:" + new string('c', 64)));
    }
}
