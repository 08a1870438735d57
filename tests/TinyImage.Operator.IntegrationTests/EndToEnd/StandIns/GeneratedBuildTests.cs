using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd.StandIns;

/// <summary>The Kaniko stand-in reads exactly what the operator's builders generate: Containerfiles and Jobs.</summary>
public sealed class GeneratedBuildTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    public static TheoryData<string> GoldenContainerfiles() =>
        [.. Directory.GetFiles(RepoPaths.Repo("tests", "TinyImage.Operator.Tests", "Building", "golden"), "*.Containerfile").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(GoldenContainerfiles))]
    public void Every_Golden_Containerfile_Parses_Or_Fails_Only_For_A_Non_Scratch_Base(string file)
    {
        var text = File.ReadAllText(RepoPaths.Repo("tests", "TinyImage.Operator.Tests", "Building", "golden", file));

        var stage = ContainerfileParser.ParseFinalStage(text);

        if (text.Contains("\nFROM scratch\n", StringComparison.Ordinal))
        {
            Assert.True(stage.IsSuccess, stage.Error);
            Assert.Equal(text.Contains("\"auditable\"", StringComparison.Ordinal), stage.Value!.Cargo.Auditable);
        }
        else
        {
            Assert.False(stage.IsSuccess);
            Assert.Contains("FROM scratch only", stage.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_Operators_Own_Job_And_Containerfile_ConfigMap_Build_And_Push_The_Fixture()
    {
        var registry = fixture.Require();
        if (RegistryFixture.FixturesMissing() is { } why)
        {
            Assert.Skip(why);
        }

        var ti = new Api.V1Alpha1.TinyImage
        {
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Uid = "3f0c9a4e-5b1d-4c2a-9e7f-0a1b2c3d4e5f" },
            Spec = new TinyImageSpec
            {
                Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
                Binary = "hello-service",
                Build = new BuildSpec { Features = ["greeting-v2"] },
                Output = new OutputSpec { Repository = registry.Host + "/demo/hello", PushSecret = "push" },
            },
        };
        var options = new OperatorOptions();
        const string hash = "0123456789";
        var objects = new Dictionary<(string, string), JsonObject>
        {
            [("secrets", "push")] = new JsonObject
            {
                ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) },
            },
        };
        var job = ToJson(KanikoJobBuilder.BuildJob(Valid(ti), hash, options));
        var standIn = new KanikoStandIn(
            (_, plural, _, name) => objects.TryGetValue((plural, name), out var o) ? o : null,
            new KanikoStandInOptions(registry.Host, registry.CertDirectory, new PrebuiltBinaries(RegistryFixture.FixtureDirectory, new Dictionary<string, string>()),
                Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, "generated")).FullName));

        var result = await standIn.BuildAsync(job, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error);
        Assert.EndsWith("hello-service+greeting-v2", result.Value!.BinaryFile, StringComparison.Ordinal);
        Assert.Equal([registry.Host + "/demo/hello:build-" + hash], result.Value.Destinations);
        var image = await RegistryImage.FetchAsync(registry, "demo/hello", result.Value.Digest, TestContext.Current.CancellationToken);
        Assert.Equal(["bin/hello-service"], image.FileContents.Keys);
    }

    private static JsonObject ToJson<T>(T value) => JsonNode.Parse(OperatorJson.Serialize(value))!.AsObject();

    private static ValidTinyImage Valid(TinyImage.Api.V1Alpha1.TinyImage ti) =>
        SpecValidator.Validate(ti).Valid ?? throw new InvalidOperationException("invalid sample: " + SpecValidator.Validate(ti).Message);
}
