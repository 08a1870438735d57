using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

/// <summary>spec.build.env and spec.build.secrets: names in the Containerfile, values and Secrets in the build pod only.</summary>
public sealed class BuildEnvAndSecretsTests
{
    private const string Hash = "0123456789";
    private static readonly OperatorOptions Options = new();

    private static TinyImage.Api.V1Alpha1.TinyImage WithEverything()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Env =
        [
            new BuildEnvVar { Name = "SQLX_OFFLINE", Value = "true" },
            new BuildEnvVar { Name = "GREETING", Value = "\"; RUN [\"sh\", \"-c\", \"id\"] $(whoami) FROM evil" },
        ];
        ti.Spec.Build.Secrets = new BuildSecretsSpec
        {
            CargoRegistries = [new CargoRegistryToken { Registry = "corp-crates", SecretName = "corp-token", Key = "token" }],
            GitHttpsSecret = "git-https",
            GitSshSecret = "git-ssh",
        };
        return ti;
    }

    [Fact]
    public void Build_Env_Values_Never_Reach_The_Containerfile_Only_Arg_Names_Do()
    {
        var text = ContainerfileGenerator.Generate(WithEverything().Valid(), Options);

        Assert.Contains("\nARG GREETING\nARG SQLX_OFFLINE\nCOPY --from=planner", text, StringComparison.Ordinal);
        Assert.DoesNotContain("whoami", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FROM evil", text, StringComparison.Ordinal);
        Assert.DoesNotContain("=true\nARG", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Env_Values_Reach_Kaniko_As_Prefixed_Variables_Expanded_Into_Build_Args()
    {
        var kaniko = KanikoJobBuilder.BuildJob(WithEverything().Valid(), Hash, Options).Spec.Template.Spec.Containers[0];

        Assert.Contains("--build-arg=SQLX_OFFLINE=$(TINYIMAGE_BUILD_ENV_SQLX_OFFLINE)", kaniko.Args);
        Assert.Contains("--build-arg=GREETING=$(TINYIMAGE_BUILD_ENV_GREETING)", kaniko.Args);
        Assert.Equal("true", kaniko.Env.Single(e => e.Name == "TINYIMAGE_BUILD_ENV_SQLX_OFFLINE").Value);
        Assert.DoesNotContain(kaniko.Env, e => e.Name == "SQLX_OFFLINE");
    }

    [Fact]
    public void Build_Secrets_Are_Read_Only_Files_Under_The_Ignored_Kaniko_Directory_And_The_Containerfile_Holds_Only_Their_Paths()
    {
        var ti = WithEverything();
        var pod = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, Options).Spec.Template.Spec;
        var kaniko = pod.Containers[0];
        var text = ContainerfileGenerator.Generate(ti.Valid(), Options);

        var secretVolumes = pod.Volumes.Where(v => v.Secret is not null && v.Name.StartsWith("build-secret-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["corp-token", "git-https", "git-ssh"], secretVolumes.Select(v => v.Secret.SecretName));
        Assert.All(secretVolumes, v => Assert.Equal(Convert.ToInt32("400", 8), v.Secret.DefaultMode));
        var mounts = kaniko.VolumeMounts.Where(m => m.Name.StartsWith("build-secret-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/kaniko/build-secrets/cargo-corp-crates", "/kaniko/build-secrets/git-https", "/kaniko/build-secrets/git-ssh"], mounts.Select(m => m.MountPath));
        Assert.All(mounts, m => Assert.True(m.ReadOnlyProperty));
        Assert.Contains("--ignore-path=/kaniko/build-secrets", kaniko.Args);
        Assert.Null(pod.InitContainers.Single().VolumeMounts.FirstOrDefault(m => m.Name.StartsWith("build-secret-", StringComparison.Ordinal)));

        Assert.Contains("ENV CARGO_REGISTRIES_CORP_CRATES_CREDENTIAL_PROVIDER=\"cargo:token-from-stdout cat /kaniko/build-secrets/cargo-corp-crates/token\"\n", text, StringComparison.Ordinal);
        Assert.Contains("ENV CARGO_NET_GIT_FETCH_WITH_CLI=true\n", text, StringComparison.Ordinal);
        Assert.Contains("GIT_CONFIG_VALUE_0=\"store --file=/kaniko/build-secrets/git-https/.git-credentials\"", text, StringComparison.Ordinal);
        Assert.Contains("UserKnownHostsFile=/kaniko/build-secrets/git-ssh/known_hosts -o StrictHostKeyChecking=yes", text, StringComparison.Ordinal);
        Assert.Contains("RUN [\"apk\", \"add\", \"--no-cache\", \"musl-dev\", \"git\", \"openssh-client\"]\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RUSTFLAGS")]
    [InlineData("CARGO_PROFILE_RELEASE_LTO")]
    [InlineData("CARGO_REGISTRIES_CORP_TOKEN")]
    [InlineData("cargo_registries_corp_credential_provider")]
    [InlineData("GIT_SSH_COMMAND")]
    [InlineData("PATH")]
    public void A_Build_Env_Name_The_Operator_Sets_Or_That_Carries_Credentials_Is_Refused(string name)
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Env = [new BuildEnvVar { Name = name, Value = "x" }];

        Assert.Contains(SpecValidator.Validate(ti).Errors, e => e.Path == "spec.build.env[0].name");
    }

    [Theory]
    [InlineData("SQL X")]
    [InlineData("A=B")]
    [InlineData("1ABC")]
    [InlineData("A\nRUN id")]
    public void A_Build_Env_Name_That_Is_Not_A_Variable_Name_Is_Refused(string name)
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Env = [new BuildEnvVar { Name = name, Value = "x" }];

        Assert.Contains(SpecValidator.Validate(ti).Errors, e => e.Path == "spec.build.env[0].name");
    }

    [Fact]
    public void Cargo_Registry_Names_That_Cargo_Treats_As_One_Are_Refused_Twice()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.Secrets = new BuildSecretsSpec
        {
            CargoRegistries = [new CargoRegistryToken { Registry = "corp-crates", SecretName = "a" }, new CargoRegistryToken { Registry = "CORP_crates", SecretName = "b" }],
        };

        Assert.Contains(SpecValidator.Validate(ti).Errors, e => e.Path == "spec.build.secrets.cargoRegistries[1].registry");
    }

    [Fact]
    public void Build_Pod_Placement_Reaches_The_Pod_Spec_And_The_Token_Stays_Unmounted()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.NodeSelector = new Dictionary<string, string> { ["pool"] = "builds" };
        ti.Spec.Build.Tolerations = [new TolerationSpec { Key = "builds", Operator = "Exists", Effect = "NoSchedule" }];
        ti.Spec.Build.ServiceAccountName = "builder";

        var pod = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, Options).Spec.Template.Spec;

        Assert.Equal("builds", pod.NodeSelector["pool"]);
        Assert.Equal(("builds", "Exists", "NoSchedule"), (pod.Tolerations[0].Key, pod.Tolerations[0].OperatorProperty, pod.Tolerations[0].Effect));
        Assert.Equal("builder", pod.ServiceAccountName);
        Assert.False(pod.AutomountServiceAccountToken);
    }

    [Fact]
    public void Without_Build_Secrets_The_Job_Has_No_Ignore_Path_And_No_Secret_Volume_But_The_Push_Secret()
    {
        var ti = Samples.Git();
        var pod = KanikoJobBuilder.BuildJob(ti.Valid(), Hash, Options).Spec.Template.Spec;

        Assert.DoesNotContain(pod.Containers[0].Args, a => a.StartsWith("--ignore-path", StringComparison.Ordinal));
        Assert.Equal(["registry-push"], pod.Volumes.Where(v => v.Secret is not null).Select(v => v.Secret.SecretName));
    }
}
