using System.Text.RegularExpressions;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Oci;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

/// <summary>The default Kaniko, builder and distroless images are releases pinned as <c>tag@sha256:</c>, cited in
/// docs/default-images.md, equal in the code and the chart, and carried unchanged into the Containerfile and the Job.</summary>
public sealed partial class DefaultImagesTests
{
    [GeneratedRegex("^[^@\\s]+:[A-Za-z0-9_][A-Za-z0-9_.-]*@sha256:[0-9a-f]{64}$")]
    private static partial Regex TagAtDigest();

    public static TheoryData<string, string> Defaults() => new()
    {
        { "kaniko", OperatorOptions.DefaultKanikoImage },
        { "builder", OperatorOptions.DefaultBuilderImage },
        { "gnu builder", OperatorOptions.DefaultGnuBuilderImage },
        { "distroless static", EffectiveBuild.DistrolessStaticImage },
        { "distroless cc", EffectiveBuild.DistrolessCcImage },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Every_Default_Image_Is_A_Tag_Pinned_By_Digest_And_Cited_In_The_Docs(string name, string image)
    {
        Assert.Matches(TagAtDigest(), image);
        Assert.True(ImageReference.TryParse(image, out var parsed, out var error), name + ": " + error);
        Assert.NotNull(parsed.Tag);
        Assert.StartsWith("sha256:", parsed.Digest, StringComparison.Ordinal);
        Assert.Matches(Patterns.ImageReference, image); // what spec.build.kanikoImage / builderImage accept
        Assert.Contains("`" + image + "`", File.ReadAllText(RepoPaths.Repo("docs", "default-images.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kanikoImage", OperatorOptions.DefaultKanikoImage)]
    [InlineData("builderImage", OperatorOptions.DefaultBuilderImage)]
    [InlineData("gnuBuilderImage", OperatorOptions.DefaultGnuBuilderImage)]
    public void The_Chart_Defaults_Equal_The_Code_Defaults(string key, string image)
    {
        var values = File.ReadAllLines(RepoPaths.Repo("charts", "tinyimage-operator", "values.yaml"));

        Assert.Contains(key + ": " + image, values);
    }

    [Fact]
    public void The_Containerfile_Builds_From_The_Pinned_Builder_And_The_Pinned_Distroless_Base()
    {
        var musl = Samples.Hello();
        var gnu = Samples.Hello();
        gnu.Spec.Build.Libc = BuildSpec.LibcGnu;
        gnu.Spec.Build.Base = BuildSpec.BaseDistrolessCc;
        gnu.Spec.Build.StaticLinking = false;

        var muslText = ContainerfileGenerator.Generate(musl.Valid(), new OperatorOptions());
        var gnuText = ContainerfileGenerator.Generate(gnu.Valid(), new OperatorOptions());

        Assert.Contains("\nFROM " + OperatorOptions.DefaultBuilderImage + " AS chef\n", "\n" + muslText, StringComparison.Ordinal);
        Assert.Contains("\"apk\", \"add\", \"--no-cache\", \"musl-dev\"", muslText, StringComparison.Ordinal); // still recognised as Alpine behind the digest
        Assert.Contains("\nFROM " + OperatorOptions.DefaultGnuBuilderImage + " AS chef\n", "\n" + gnuText, StringComparison.Ordinal);
        Assert.Contains("\nFROM " + EffectiveBuild.DistrolessCcImage + "\n", gnuText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Kaniko_Job_Runs_The_Pinned_Image_And_A_Spec_May_Pin_Its_Own()
    {
        var ti = Samples.Hello();
        var own = "registry.example:5000/tools/kaniko:v1.28.5@sha256:" + new string('b', 64);

        var job = KanikoJobBuilder.BuildJob(ti.Valid(), "0123456789", new OperatorOptions());
        ti.Spec.Build.KanikoImage = own;
        var overridden = KanikoJobBuilder.BuildJob(ti.Valid(), "0123456789", new OperatorOptions());

        Assert.Equal(OperatorOptions.DefaultKanikoImage, job.Spec.Template.Spec.Containers.Single(c => c.Name == KanikoJobBuilder.KanikoContainerName).Image);
        Assert.Equal(own, overridden.Spec.Template.Spec.Containers.Single(c => c.Name == KanikoJobBuilder.KanikoContainerName).Image);
    }
}
