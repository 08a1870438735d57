using System.Globalization;
using System.Text;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;
using TiResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Building;

/// <summary>
/// The Containerfile travels in the build Job's pod-template annotation, which the API server caps (with every other
/// annotation of the template) at 256 KiB: the largest Containerfile a valid spec can generate stays far below the
/// operator's own 64 KiB bound.
/// </summary>
public sealed class ContainerfileSizeTests
{
    private const string Hash = "0123456789";

    /// <summary>What the largest Containerfile measured when the bound was chosen (issue 17), in UTF-8 bytes.</summary>
    private const int LargestMeasured = 32_129;

    [Fact]
    public void The_Largest_Containerfile_A_Valid_Spec_Generates_Fits_Half_Of_The_64_KiB_Bound()
    {
        var sizes = new List<(string Combination, int Bytes)>();
        foreach (var libc in new[] { BuildSpec.LibcMusl, BuildSpec.LibcGnu })
        {
            foreach (var @base in new[] { BuildSpec.BaseScratch, BuildSpec.BaseDistrolessStatic, BuildSpec.BaseDistrolessCc })
            {
                foreach (var staticLinking in new[] { true, false })
                {
                    var validation = SpecValidator.Validate(Largest(libc, @base, staticLinking));
                    if (validation.Valid is { } valid)
                    {
                        var containerfile = ContainerfileGenerator.Generate(valid, Hash, new OperatorOptions());
                        sizes.Add((libc + "/" + @base + "/static=" + staticLinking, Encoding.UTF8.GetByteCount(containerfile)));
                        Assert.Same(containerfile, KanikoJobBuilder.EnsureFits(containerfile));
                    }
                }
            }
        }

        Assert.NotEmpty(sizes);
        var largest = sizes.MaxBy(s => s.Bytes);
        var report = string.Join(", ", sizes.Select(s => s.Combination + ": " + s.Bytes.ToString(CultureInfo.InvariantCulture)));
        Assert.True(largest.Bytes <= KanikoJobBuilder.MaxContainerfileBytes / 2, report);
        Assert.True(largest.Bytes == LargestMeasured, "the largest generated Containerfile changed size; update LargestMeasured and the bound's doc if it is still far below it: " + report);
    }

    [Fact]
    public void The_Largest_Spec_Is_Valid_Only_At_Its_Limits_One_More_Feature_Is_Refused()
    {
        var ti = Largest(BuildSpec.LibcMusl, BuildSpec.BaseScratch, true);
        Assert.NotNull(SpecValidator.Validate(ti).Valid);
        ti.Spec.Build.Features!.Add("one-more");
        Assert.Null(SpecValidator.Validate(ti).Valid);
    }

    /// <summary>Every spec field that reaches the Containerfile at its longest: counts and lengths at their validation limits.</summary>
    private static TiResource Largest(string libc, string @base, bool staticLinking)
    {
        static string Fill(string prefix, int length, char c) => prefix + new string(c, length - prefix.Length);
        var tag = Fill("t", 128, 't');
        var digest = "@sha256:" + new string('0', 64);
        var builder = "r.example/" + new string('x', 512 - "r.example/".Length - "/alpine".Length - 1 - tag.Length - digest.Length) + "/alpine:" + tag + digest;
        return new TiResource
        {
            Metadata = new V1ObjectMeta { Name = Fill("n", 63, 'n'), NamespaceProperty = Fill("s", 63, 's'), Uid = Samples.Uid },
            Spec = new TinyImageSpec
            {
                Source = new SourceSpec { Git = new GitSource { Url = "https://git.example/app.git" } },
                Binary = Fill("B", 64, 'b'),
                Output = new OutputSpec { Repository = "registry.example/app" },
                Deploy = new DeploySpec { ContainerPort = 65535 },
                Build = new BuildSpec
                {
                    Libc = libc,
                    Base = @base,
                    StaticLinking = staticLinking,
                    NoDefaultFeatures = true,
                    BuilderImage = builder,
                    CargoAuditableVersion = "999999.999999.999999",
                    Features = [.. Enumerable.Range(0, 64).Select(i => Fill("f" + i.ToString("D2", CultureInfo.InvariantCulture), 64, 'f') + "/" + Fill("g", 64, 'g'))],
                    Env = [.. Enumerable.Range(0, 64).Select(i => new BuildEnvVar { Name = Fill("V" + i.ToString("D2", CultureInfo.InvariantCulture), 128, 'V'), Value = "x" })],
                    Secrets = new BuildSecretsSpec
                    {
                        CargoRegistries = [.. Enumerable.Range(0, 16).Select(i => new CargoRegistryToken { Registry = Fill("r" + i.ToString("D2", CultureInfo.InvariantCulture), 64, 'r'), SecretName = "token" })],
                        GitHttpsSecret = "git-https",
                        GitSshSecret = "git-ssh",
                    },
                },
            },
        };
    }
}
