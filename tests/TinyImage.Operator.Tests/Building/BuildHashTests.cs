using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class BuildHashTests
{
    private static readonly OperatorOptions Options = new();

    private static string HashOf(Action<TinyImageSpec> change, OperatorOptions? options = null, string? content = null)
    {
        var ti = Samples.Git();
        change(ti.Spec);
        return BuildHash.Compute(ti.Valid(), options ?? Options, content);
    }

    private static readonly string Baseline = HashOf(_ => { });

    public static TheoryData<string> ImageDefiningChanges => new(Rebuilds.Keys);

    private static readonly Dictionary<string, Action<TinyImageSpec>> Rebuilds = new(StringComparer.Ordinal)
    {
        ["binary"] = s => s.Binary = "other",
        ["git url"] = s => s.Source.Git!.Url = "https://git.example.com/team/other.git",
        ["git branch"] = s => s.Source.Git!.Ref!.Branch = "develop",
        ["git tag instead of branch"] = s => s.Source.Git!.Ref = new GitRef { Tag = "main" },
        ["git subPath"] = s => s.Source.Git!.SubPath = "other",
        ["git credentials"] = s => s.Source.Git!.CredentialsSecret = "other",
        ["configMap source"] = s => s.Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
        ["base"] = s => s.Build.Base = BuildSpec.BaseDistrolessStatic,
        ["libc"] = s => s.Build.Libc = BuildSpec.LibcGnu,
        ["auditable"] = s => s.Build.Auditable = false,
        ["opt-level"] = s => s.Build.Profile.OptLevel = "s",
        ["panic"] = s => s.Build.Profile.Panic = "abort",
        ["codegen units"] = s => s.Build.Profile.CodegenUnits = 16,
        ["features"] = s => s.Build.Features = ["json"],
        ["no default features"] = s => s.Build.NoDefaultFeatures = true,
        ["builder image"] = s => s.Build.BuilderImage = "rust:1.83-alpine",
        ["kaniko image"] = s => s.Build.KanikoImage = "ghcr.io/osscontainertools/kaniko:v1.29.0",
        ["cache off"] = s => s.Build.Cache!.Enabled = false,
        ["cache ttl"] = s => s.Build.Cache!.TtlHours = 1,
        ["build resources"] = s => s.Build.Resources!.Limits!["memory"] = new k8s.Models.ResourceQuantity("8Gi"),
        ["timeout"] = s => s.Build.TimeoutSeconds = 600,
        ["repository"] = s => s.Output.Repository = "registry.example.com/team/other",
        ["tag"] = s => s.Output.Tag = "v2",
        ["push secret"] = s => s.Output.PushSecret = "other",
        ["insecure"] = s => s.Output.Insecure = true,
        ["exposed port"] = s => s.Deploy.ContainerPort = 8080,
        ["build env"] = s => s.Build.Env = [new BuildEnvVar { Name = "SQLX_OFFLINE", Value = "true" }],
        ["cargo registry token"] = s => s.Build.Secrets = new BuildSecretsSpec { CargoRegistries = [new CargoRegistryToken { Registry = "corp", SecretName = "corp-token" }] },
        ["git https secret"] = s => s.Build.Secrets = new BuildSecretsSpec { GitHttpsSecret = "git-https" },
        ["git ssh secret"] = s => s.Build.Secrets = new BuildSecretsSpec { GitSshSecret = "git-ssh" },
        ["build node selector"] = s => s.Build.NodeSelector = new Dictionary<string, string> { ["pool"] = "builds" },
        ["build toleration"] = s => s.Build.Tolerations = [new TolerationSpec { Key = "builds", Operator = "Exists", Effect = "NoSchedule" }],
        ["build service account"] = s => s.Build.ServiceAccountName = "builder",
    };

    [Fact]
    public void A_TinyImage_Without_A_Cache_Block_Keeps_The_Hash_It_Had_Before_The_Cache_Was_On_By_Default()
    {
        // b25f6caa17 is the hello sample's hash before issue 15 (Cli/golden/render-hello.yaml at that commit): an absent
        // cache block hashes in its legacy form although it now means "on", so upgrading the operator rebuilds nothing.
        var hello = Samples.Hello();
        hello.Spec.Binary = "hello-service";
        hello.Spec.Build.Cache = null;

        var canonical = BuildHash.Canonicalize(hello.Valid(), Options);

        Assert.Contains("build.cache.enabled=\"false\"\n", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("build.cache.repository", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("build.env", canonical, StringComparison.Ordinal);
        Assert.True(KanikoJobBuilder.BuildJob(hello.Valid(), "0123456789", Options).Spec.Template.Spec.Containers[0].Args.Contains("--cache=true"));
    }

    [Fact]
    public void Explicitly_Turning_The_Cache_Off_Keeps_The_Hash_Of_The_Absent_Block_Since_The_Cache_Does_Not_Define_The_Image()
    {
        var absent = Samples.Hello();
        absent.Spec.Build.Cache = null;
        var off = Samples.Hello();
        off.Spec.Build.Cache = new CacheSpec { Enabled = false };

        Assert.Equal(BuildHash.Compute(absent.Valid(), Options), BuildHash.Compute(off.Valid(), Options));
        Assert.DoesNotContain("--cache=true", KanikoJobBuilder.BuildJob(off.Valid(), "0123456789", Options).Spec.Template.Spec.Containers[0].Args);
    }

    [Theory]
    [MemberData(nameof(ImageDefiningChanges))]
    public void Hash_Changes_With_Every_Input_That_Defines_The_Image(string change)
    {
        Assert.NotEqual(Baseline, HashOf(Rebuilds[change]));
    }

    [Fact]
    public void Hash_Changes_With_Static_Linking_On_A_Base_That_Allows_Both()
    {
        // A scratch base needs a static binary: that spec is refused by the validator and never reaches the hash.
        var scratchDynamic = Samples.Git();
        scratchDynamic.Spec.Build.StaticLinking = false;
        Assert.Contains(TinyImage.Api.SpecValidator.Validate(scratchDynamic).Errors, e => e.Path == "spec.build");

        var dynamic = HashOf(s => { s.Build.Base = BuildSpec.BaseDistrolessCc; s.Build.StaticLinking = false; });
        var statically = HashOf(s => s.Build.Base = BuildSpec.BaseDistrolessCc);

        Assert.NotEqual(statically, dynamic);
    }

    [Fact]
    public void Hash_Ignores_The_Deploy_Block_Apart_From_The_Exposed_Port_And_The_Verify_Block()
    {
        var changed = HashOf(s =>
        {
            s.Deploy.Replicas = 5;
            s.Deploy.Args = ["--verbose"];
            s.Deploy.Env = [new EnvVarSpec { Name = "RUST_LOG", Value = "debug" }];
            s.Deploy.Service = new ServiceSpec { Type = "NodePort", Port = 80 };
            s.Deploy.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new("1") } };
            s.Verify = new VerifySpec { DenyPackages = ["openssl-sys"], ScratchOnly = true, RequireSbom = false };
        });

        Assert.Equal(Baseline, changed);
    }

    [Fact]
    public void Hash_Follows_The_Operator_Defaults_That_Reach_The_Image()
    {
        Assert.NotEqual(Baseline, HashOf(_ => { }, Options with { KanikoImage = "example.com/kaniko:v2" }));
        Assert.NotEqual(Baseline, HashOf(_ => { }, Options with { BuilderImage = "rust:1.90-alpine" }));
        Assert.NotEqual(Baseline, HashOf(_ => { }, Options with { RunAsUser = 1000 }));
        Assert.Equal(Baseline, HashOf(_ => { }, Options with { BuildJobTtlSeconds = 5, Concurrency = 9 }));
    }

    [Fact]
    public void A_Spec_Naming_The_Default_Images_Hashes_Like_One_Relying_On_Them()
    {
        Assert.Equal(Baseline, HashOf(s =>
        {
            s.Build.BuilderImage = OperatorOptions.DefaultBuilderImage;
            s.Build.KanikoImage = OperatorOptions.DefaultKanikoImage;
            s.Build.Cache!.Repository = s.Output.Repository + "/cache";
        }));
    }

    [Fact]
    public void Feature_Order_And_Duplicates_Do_Not_Matter()
    {
        Assert.Equal(HashOf(s => s.Build.Features = ["a", "b"]), HashOf(s => s.Build.Features = ["b", "a", "a"]));
    }

    [Fact]
    public void Source_Content_Digest_Changes_The_Hash()
    {
        var v1 = BuildHash.DigestConfigMapData(new Dictionary<string, string> { ["main.rs"] = "fn main() {}" }, null);
        var v2 = BuildHash.DigestConfigMapData(new Dictionary<string, string> { ["main.rs"] = "fn main() { }" }, null);

        Assert.NotEqual(v1, v2);
        Assert.NotEqual(HashOf(_ => { }, content: v1), HashOf(_ => { }, content: v2));
        Assert.NotEqual(Baseline, HashOf(_ => { }, content: v1));
    }

    [Fact]
    public void ConfigMap_Digest_Ignores_Key_Order_But_Not_Where_Bytes_Sit()
    {
        var a = BuildHash.DigestConfigMapData(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, null);
        var b = BuildHash.DigestConfigMapData(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, null);
        var shifted = BuildHash.DigestConfigMapData(new Dictionary<string, string> { ["a"] = "12", ["b"] = "" }, null);
        var binary = BuildHash.DigestConfigMapData(null, new Dictionary<string, byte[]> { ["a"] = "1"u8.ToArray(), ["b"] = "2"u8.ToArray() });

        Assert.Equal(a, b);
        Assert.NotEqual(a, shifted);
        Assert.NotEqual(a, binary);
        Assert.Matches("^sha256:[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Hash_Is_Ten_Lowercase_Hex_Characters_Of_The_Canonical_Text()
    {
        var git = Samples.Git().Valid();
        var canonical = BuildHash.Canonicalize(git, Options);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)))[..10];

        Assert.Equal(expected, BuildHash.Compute(git, Options));
        Assert.True(BuildHash.IsValid(Baseline));
        Assert.StartsWith(BuildHash.FormatVersion + "\n", canonical, StringComparison.Ordinal);
        var keys = canonical.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Contains("source.git.ref.branch=\"main\"\n", canonical, StringComparison.Ordinal);
    }
}
