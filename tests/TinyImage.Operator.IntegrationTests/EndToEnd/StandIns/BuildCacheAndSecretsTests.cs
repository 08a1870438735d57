using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd.StandIns;

/// <summary>
/// The operator's own Containerfile and Job, run by the Kaniko stand-in against the real registry: the dependency layer
/// is reused when only a source file changes, and a build Secret reaches the build pod and no layer.
/// </summary>
public sealed class BuildCacheAndSecretsTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string Uid = "3f0c9a4e-5b1d-4c2a-9e7f-0a1b2c3d4e5f";
    private const string SecretToken = "tok-9f2d4c1e-never-in-a-layer";
    private const string CargoToml = "[package]\nname = \"hello-service\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nitoa = \"1\"\n";
    private const string CargoLock = "version = 3\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\n";

    private readonly Dictionary<(string, string), JsonObject> _objects = [];

    [Fact]
    public async Task The_Dependency_Layer_Is_Reused_When_Only_A_Source_File_Changes_And_Rebuilt_When_Cargo_Lock_Changes()
    {
        var (registry, standIn) = Arrange();
        var ti = TinyImage(registry.Host);

        var first = await BuildAsync(standIn, ti, "1111111111", main: "fn main() { println!(\"v1\"); }", CargoLock);
        var sourceEdit = await BuildAsync(standIn, ti, "2222222222", main: "fn main() { println!(\"v2\"); }", CargoLock);
        var lockEdit = await BuildAsync(standIn, ti, "3333333333", main: "fn main() { println!(\"v2\"); }", CargoLock.Replace("1.0.11", "1.0.14", StringComparison.Ordinal));

        Assert.All(first.CacheSteps, s => Assert.False(s.Hit));
        Assert.True(Step(sourceEdit, "cook").Hit, "the dependency layer (cargo chef cook) is a cache hit after a source-only change");
        Assert.True(Step(sourceEdit, "install\", \"cargo-chef").Hit);
        Assert.False(Step(sourceEdit, "\"build\"").Hit);
        Assert.False(Step(sourceEdit, "prepare").Hit);
        Assert.False(Step(lockEdit, "cook").Hit);
        Assert.True(Step(lockEdit, "install\", \"cargo-chef").Hit);

        // The cache lives in the registry, under OUTPUT_REPOSITORY/cache, one tag per step that ran.
        var cookTag = Step(first, "cook").Key!;
        Assert.Contains(registry.Host + "/demo/hello/cache:" + cookTag, first.CacheImages);
        var cookLayer = await RegistryImage.FetchTagAsync(registry, "demo/hello/cache", cookTag, TestContext.Current.CancellationToken);
        Assert.NotEmpty(cookLayer.FileContents);
    }

    [Fact]
    public async Task A_Build_Secret_Is_Mounted_In_The_Build_Pod_Only_And_In_No_Layer_The_Stand_In_Writes()
    {
        var (registry, standIn) = Arrange();
        var ti = TinyImage(registry.Host);
        ti.Spec.Build.Env = [new BuildEnvVar { Name = "SQLX_OFFLINE", Value = "true" }];
        ti.Spec.Build.Secrets = new BuildSecretsSpec { CargoRegistries = [new CargoRegistryToken { Registry = "corp", SecretName = "corp-token" }] };
        _objects[("secrets", "corp-token")] = new JsonObject { ["data"] = new JsonObject { ["token"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretToken)) } };

        var build = await BuildAsync(standIn, ti, "4444444444", main: "fn main() {}", CargoLock);

        // In the build pod: mounted where the Containerfile's credential provider reads it.
        Assert.Equal("corp-token", build.MountedSecrets["/kaniko/build-secrets/cargo-corp"]);
        var containerfile = KanikoJobBuilder.BuildJob(Valid(ti), "4444444444", new OperatorOptions()).Spec.Template.Metadata.Annotations[KanikoJobBuilder.ContainerfileAnnotation];
        Assert.Contains("cat /kaniko/build-secrets/cargo-corp/token", containerfile, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretToken, containerfile, StringComparison.Ordinal);

        // In no layer: the pushed image and every cache layer, read back from the registry.
        var images = new List<RegistryImage>
        {
            await RegistryImage.FetchAsync(registry, "demo/hello", build.Digest, TestContext.Current.CancellationToken),
        };
        foreach (var reference in build.CacheImages)
        {
            images.Add(await RegistryImage.FetchTagAsync(registry, "demo/hello/cache", reference[(reference.LastIndexOf(':') + 1)..], TestContext.Current.CancellationToken));
        }

        Assert.True(images.Count > 4, "the final image and the cache layers of the RUN steps were read");
        var needle = Encoding.UTF8.GetBytes(SecretToken);
        var envSeen = false;
        foreach (var image in images)
        {
            Assert.DoesNotContain(SecretToken, image.Config.ToJsonString(), StringComparison.Ordinal);
            foreach (var (path, content) in image.FileContents)
            {
                Assert.True(content.AsSpan().IndexOf(needle) < 0, "the build secret is in " + path);
                envSeen |= Encoding.UTF8.GetString(content).Contains("SQLX_OFFLINE=true", StringComparison.Ordinal);
            }
        }

        Assert.True(envSeen, "the layers hold what the steps saw of their environment, so a secret passed that way would be caught");

        // And never in the workload: the Deployment has neither the build Secret nor the push secret.
        var deployment = OperatorJson.Serialize(DeploymentBuilder.Build(Valid(ti), registry.Host + "/demo/hello@" + build.Digest, "4444444444"));
        Assert.DoesNotContain("corp-token", deployment, StringComparison.Ordinal);
        Assert.DoesNotContain("\"push\"", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Missing_Build_Secret_Fails_The_Build_As_A_Pod_That_Cannot_Start()
    {
        var (registry, standIn) = Arrange();
        var ti = TinyImage(registry.Host);
        ti.Spec.Build.Secrets = new BuildSecretsSpec { GitSshSecret = "git-ssh" };

        var job = Prepare(ti, "5555555555", "fn main() {}", CargoLock);
        var result = await standIn.BuildAsync(job, TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Contains("Secret default/git-ssh (mounted at /kaniko/build-secrets/git-ssh) does not exist", result.Error, StringComparison.Ordinal);
    }

    private static KanikoCacheStep Step(KanikoBuildRecord build, string fragment) =>
        build.CacheSteps.Single(s => s.Command.Contains(fragment, StringComparison.Ordinal));

    private async Task<KanikoBuildRecord> BuildAsync(KanikoStandIn standIn, TinyImage.Api.V1Alpha1.TinyImage ti, string hash, string main, string cargoLock)
    {
        var result = await standIn.BuildAsync(Prepare(ti, hash, main, cargoLock), TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.Error);
        return result.Value!;
    }

    private JsonObject Prepare(TinyImage.Api.V1Alpha1.TinyImage ti, string hash, string main, string cargoLock)
    {
        var options = new OperatorOptions();
        _objects[("configmaps", "hello-src")] = new JsonObject
        {
            ["data"] = new JsonObject { ["Cargo.toml"] = CargoToml, ["Cargo.lock"] = cargoLock, ["main.rs"] = main },
        };
        return ToJson(KanikoJobBuilder.BuildJob(Valid(ti), hash, options));
    }

    private TinyImage.Api.V1Alpha1.TinyImage TinyImage(string registryHost) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "default", Uid = Uid },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec
            {
                ConfigMap = new ConfigMapSource
                {
                    Name = "hello-src",
                    Items =
                    [
                        new ConfigMapItem { Key = "Cargo.toml", Path = "Cargo.toml" },
                        new ConfigMapItem { Key = "Cargo.lock", Path = "Cargo.lock" },
                        new ConfigMapItem { Key = "main.rs", Path = "src/main.rs" },
                    ],
                },
            },
            Binary = "hello-service",
            Output = new OutputSpec { Repository = registryHost + "/demo/hello", PushSecret = "push" },
        },
    };

    private (LocalRegistry Registry, KanikoStandIn StandIn) Arrange()
    {
        var registry = fixture.Require();
        if (RegistryFixture.FixturesMissing() is { } why)
        {
            Assert.Skip(why);
        }

        _objects[("secrets", "push")] = new JsonObject
        {
            ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) },
        };
        var standIn = new KanikoStandIn(
            (_, plural, _, name) => _objects.TryGetValue((plural, name), out var o) ? o : null,
            new KanikoStandInOptions(registry.Host, registry.CertDirectory, new PrebuiltBinaries(RegistryFixture.FixtureDirectory, new Dictionary<string, string>()),
                Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, "cache-" + Guid.NewGuid().ToString("N"))).FullName));
        return (registry, standIn);
    }

    private static JsonObject ToJson<T>(T value) => JsonNode.Parse(OperatorJson.Serialize(value))!.AsObject();

    private static ValidTinyImage Valid(TinyImage.Api.V1Alpha1.TinyImage ti) =>
        SpecValidator.Validate(ti).Valid ?? throw new InvalidOperationException("invalid sample: " + SpecValidator.Validate(ti).Message);
}
