using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class ContainerfileGeneratorTests
{
    private static readonly OperatorOptions Options = new();

    public static TheoryData<string> GoldenCases => new(Cases.Keys);

    private static readonly Dictionary<string, Action<TinyImageSpec>> Cases = new(StringComparer.Ordinal)
    {
        ["default"] = _ => { },
        ["no-auditable"] = s => s.Build.Auditable = false,
        ["gnu-distroless-cc-dynamic"] = s =>
        {
            s.Build.Libc = BuildSpec.LibcGnu;
            s.Build.Base = BuildSpec.BaseDistrolessCc;
            s.Build.StaticLinking = false;
        },
        ["distroless-static"] = s => s.Build.Base = BuildSpec.BaseDistrolessStatic,
        ["panic-abort-features-no-default"] = s =>
        {
            s.Build.Profile.Panic = "abort";
            s.Build.Features = ["tls/rustls", "json"];
            s.Build.NoDefaultFeatures = true;
        },
        ["build-env-and-secrets"] = s =>
        {
            s.Build.Env = [new BuildEnvVar { Name = "SQLX_OFFLINE", Value = "true" }];
            s.Build.Secrets = new BuildSecretsSpec
            {
                CargoRegistries = [new CargoRegistryToken { Registry = "corp", SecretName = "corp-token" }],
                GitHttpsSecret = "git-https",
                GitSshSecret = "git-ssh",
            };
        },
        ["custom-builder-with-cargo-auditable"] = s =>
        {
            s.Build.BuilderImage = "ghcr.io/example/rust-auditable:1.83@sha256:" + new string('a', 64);
            s.Build.BuilderHasCargoAuditable = true;
            s.Build.Profile.OptLevel = "s";
            s.Build.Profile.Lto = "thin";
            s.Build.Profile.CodegenUnits = 4;
            s.Build.Profile.Strip = "debuginfo";
        },
    };

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Containerfile_Matches_Its_Golden_File(string name)
    {
        var ti = Samples.Hello();
        Cases[name](ti.Spec);

        var text = ContainerfileGenerator.Generate(ti.Valid(), Options);

        Golden.Check("Building/golden/" + name + ".Containerfile", text);
    }

    [Fact]
    public void Default_Recipe_Builds_An_Auditable_Static_Musl_Binary_Into_Scratch()
    {
        var text = ContainerfileGenerator.Generate(Samples.Hello().Valid(), Options);

        Assert.Contains("FROM " + OperatorOptions.DefaultBuilderImage + " AS chef\n", text, StringComparison.Ordinal);
        Assert.Contains("RUN [\"apk\", \"add\", \"--no-cache\", \"musl-dev\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("RUN [\"cargo\", \"install\", \"cargo-auditable\", \"--locked\", \"--version\", \"" + OperatorOptions.DefaultCargoAuditableVersion + "\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("ENV RUSTFLAGS=\"-C target-feature=+crt-static\"\n", text, StringComparison.Ordinal);
        Assert.Contains("CARGO_PROFILE_RELEASE_OPT_LEVEL=z", text, StringComparison.Ordinal);
        Assert.Contains("[\"cargo\", \"auditable\", \"build\", \"--release\", \"--locked\", \"--target\", \"x86_64-unknown-linux-musl\", \"--bin\", \"hello\"]", text, StringComparison.Ordinal);
        Assert.Contains("\nFROM scratch\n", text, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /src/target/x86_64-unknown-linux-musl/release/hello /bin/hello\n", text, StringComparison.Ordinal);
        Assert.Contains("USER 65532:65532\n", text, StringComparison.Ordinal);
        Assert.Contains("\nWORKDIR /app\nEXPOSE 3000\n", text, StringComparison.Ordinal);
        Assert.EndsWith("CMD [\"/bin/hello\"]\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Gnu_Uses_The_Gnu_Builder_And_Skips_Musl_Dev()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Libc = BuildSpec.LibcGnu;
        ti.Spec.Build.Base = BuildSpec.BaseDistrolessCc;
        ti.Spec.Build.StaticLinking = false;

        var text = ContainerfileGenerator.Generate(ti.Valid(), Options with { GnuBuilderImage = "rust:1.83-bookworm" });

        Assert.StartsWith("# Generated", text, StringComparison.Ordinal);
        Assert.Contains("FROM rust:1.83-bookworm AS chef\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("apk", text, StringComparison.Ordinal);
        Assert.DoesNotContain("RUSTFLAGS", text, StringComparison.Ordinal);
        Assert.Contains("/src/target/x86_64-unknown-linux-gnu/release/hello", text, StringComparison.Ordinal);
        Assert.Contains("FROM " + EffectiveBuild.DistrolessCcImage + "\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_Are_Sorted_And_Deduplicated_So_Equivalent_Specs_Give_One_Containerfile()
    {
        var a = Samples.Hello();
        a.Spec.Build.Features = ["b", "a", "b"];
        var b = Samples.Hello();
        b.Spec.Build.Features = ["a", "b"];

        var textA = ContainerfileGenerator.Generate(a.Valid(), Options);

        Assert.Equal(textA, ContainerfileGenerator.Generate(b.Valid(), Options));
        Assert.Contains("\"--features\", \"a,b\"", textA, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_Names_The_TinyImage_And_The_Build_Hash()
    {
        var ti = Samples.Hello();

        var text = ContainerfileGenerator.Generate(ti.Valid(), "0123456789", Options);

        Assert.StartsWith("# Generated by tinyimage-operator for TinyImage demo/hello, build 0123456789. Do not edit.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_Refuses_A_Malformed_Hash()
    {
        Assert.Throws<ArgumentException>(() => ContainerfileGenerator.Generate(Samples.Hello().Valid(), "0123\nRUN x", Options));
    }

    [Fact]
    public void The_Run_As_User_Option_Becomes_The_Numeric_User()
    {
        var text = ContainerfileGenerator.Generate(Samples.Hello().Valid(), Options with { RunAsUser = 10001 });

        Assert.Contains("USER 10001:10001\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Line_Is_A_Comment_An_Instruction_Or_A_Continuation()
    {
        string[] instructions = ["FROM ", "ARG ", "RUN ", "ENV ", "WORKDIR ", "COPY ", "EXPOSE ", "USER ", "CMD "];
        foreach (var name in Cases.Keys)
        {
            var ti = Samples.Hello();
            Cases[name](ti.Spec);
            var lines = ContainerfileGenerator.Generate(ti.Valid(), "abcdef0123", Options).Split('\n');
            var continued = false;
            foreach (var line in lines)
            {
                Assert.True(
                    continued || line.Length == 0 || line.StartsWith('#') || instructions.Any(i => line.StartsWith(i, StringComparison.Ordinal)),
                    name + ": unexpected line: " + line);
                continued = line.EndsWith('\\');
            }
        }
    }
}
