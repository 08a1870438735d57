using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.StandIns;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd.StandIns;

/// <summary>The Kaniko stand-in against the real docker-registry (TLS + htpasswd) and the real fixture binaries, with hand-written Jobs.</summary>
public sealed class KanikoStandInTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly Dictionary<(string Plural, string Name), JsonObject> _objects = [];

    [Fact]
    public async Task Builds_One_File_Image_Pushes_It_With_Mounted_Credentials_And_Reports_The_Registry_Digest()
    {
        var (registry, standIn) = Arrange();
        var job = Job(registry.Host + "/demo/hello:build-1");

        var result = await standIn.BuildAsync(job, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error);
        var image = await RegistryImage.FetchAsync(registry, "demo/hello", result.Value!.Digest, TestContext.Current.CancellationToken);
        Assert.Equal([("bin", TarEntryType.Directory), ("bin/hello-service", TarEntryType.RegularFile)], image.Files);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RegistryFixture.FixtureDirectory, "hello-service"), TestContext.Current.CancellationToken),
            image.FileContents["bin/hello-service"]);
        var config = image.Config["config"]!;
        Assert.Equal("[\"/bin/hello-service\"]", config["Entrypoint"]!.ToJsonString());
        Assert.Equal("65532:65532", (string?)config["User"]);
        Assert.NotNull(config["ExposedPorts"]!["3000/tcp"]);
        Assert.Equal("1970-01-01T00:00:00Z", (string?)image.Config["created"]);
        Assert.Equal(result.Value.TotalBytes, image.TotalBytes);
    }

    [Fact]
    public async Task A_Containerfile_Mounted_From_The_Pods_Annotation_Builds_The_Same_Image_As_One_From_A_ConfigMap()
    {
        var (registry, standIn) = Arrange();
        var fromConfigMap = await standIn.BuildAsync(Job(registry.Host + "/demo/annotated:a"), TestContext.Current.CancellationToken);

        // This release's Job: the Containerfile is the pod template's annotation, projected by a downwardAPI volume.
        var job = Job(registry.Host + "/demo/annotated:b");
        _objects.Remove(("configmaps", "hello-build-abc"));
        ToDownwardApi(job, ContainerfileParserTests.Recipe.Replace(", \"--features\", \"greeting-v2,extra\"", "", StringComparison.Ordinal));
        var fromAnnotation = await standIn.BuildAsync(job, TestContext.Current.CancellationToken);

        Assert.True(fromConfigMap.IsSuccess && fromAnnotation.IsSuccess, fromConfigMap.Error ?? fromAnnotation.Error);
        Assert.Equal(fromConfigMap.Value!.Digest, fromAnnotation.Value!.Digest);
    }

    [Fact]
    public async Task A_DownwardAPI_Containerfile_Whose_Annotation_Is_Missing_Fails_As_An_Empty_File()
    {
        var (registry, standIn) = Arrange();
        var job = Job(registry.Host + "/demo/annotated:c");
        ToDownwardApi(job, containerfile: null);

        var result = await standIn.BuildAsync(job, TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Contains("--dockerfile=/kaniko/containerfile/Containerfile: the downwardAPI file for metadata.annotations['tinyimage.dev/containerfile'] is empty", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Rewrites <paramref name="job"/>'s Containerfile volume as this release writes it: a downwardAPI file of the template's annotation.</summary>
    private static void ToDownwardApi(JsonObject job, string? containerfile)
    {
        var template = job["spec"]!["template"]!.AsObject();
        if (containerfile is not null)
        {
            template["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["tinyimage.dev/containerfile"] = containerfile } };
        }

        var volume = template["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "containerfile")!.AsObject();
        volume.Remove("configMap");
        volume["downwardAPI"] = JsonNode.Parse("""{"items":[{"path":"Containerfile","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.annotations['tinyimage.dev/containerfile']"}}]}""");
    }

    [Fact]
    public async Task Reproducible_Builds_Of_The_Same_Inputs_Give_The_Same_Digest_And_A_Feature_Gives_Another_Binary()
    {
        var (registry, standIn) = Arrange();

        var first = await standIn.BuildAsync(Job(registry.Host + "/demo/repro:a"), TestContext.Current.CancellationToken);
        var second = await standIn.BuildAsync(Job(registry.Host + "/demo/repro:b"), TestContext.Current.CancellationToken);
        var featured = await standIn.BuildAsync(Job(registry.Host + "/demo/repro:c", features: "greeting-v2"), TestContext.Current.CancellationToken);

        Assert.True(first.IsSuccess && second.IsSuccess && featured.IsSuccess, first.Error ?? second.Error ?? featured.Error);
        Assert.Equal(first.Value!.Digest, second.Value!.Digest);
        Assert.NotEqual(first.Value.Digest, featured.Value!.Digest);
        Assert.EndsWith("hello-service+greeting-v2", featured.Value.BinaryFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Wrong_Password_In_The_Push_Secret_Fails_The_Build_With_The_Registry_Refusal()
    {
        var (registry, standIn) = Arrange(password: "not-the-password");

        var result = await standIn.BuildAsync(Job(registry.Host + "/demo/hello:x"), TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Contains("push to " + registry.Host + "/demo/hello:x failed", result.Error, StringComparison.Ordinal);
        Assert.Contains("unauthorized", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_Missing_Push_Secret_Fails_The_Build()
    {
        var (registry, standIn) = Arrange();
        _objects.Remove(("secrets", "push"));

        var result = await standIn.BuildAsync(Job(registry.Host + "/demo/hello:x"), TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Contains("Secret default/push (mounted for /kaniko/.docker/config.json) does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Destination_On_Another_Registry_Fails_The_Build()
    {
        var (_, standIn) = Arrange();

        var result = await standIn.BuildAsync(Job("ghcr.io/someone/hello:x"), TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Contains("--destination=ghcr.io/someone/hello:x: not on the registry", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Unknown_Kaniko_Flag_Or_Missing_Containerfile_Fails_The_Build()
    {
        var (registry, standIn) = Arrange();
        var withFlag = Job(registry.Host + "/demo/hello:x");
        withFlag["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Add("--frobnicate");
        var result = await standIn.BuildAsync(withFlag, TestContext.Current.CancellationToken);
        Assert.False(result.IsSuccess);
        Assert.Contains("--frobnicate", result.Error, StringComparison.Ordinal);

        var withoutContainerfile = Job(registry.Host + "/demo/hello:x");
        _objects.Remove(("configmaps", "hello-build-abc"));
        var missing = await standIn.BuildAsync(withoutContainerfile, TestContext.Current.CancellationToken);
        Assert.False(missing.IsSuccess);
        Assert.Contains("ConfigMap default/hello-build-abc", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, standIn.Failures.Count);
    }

    private (LocalRegistry Registry, KanikoStandIn StandIn) Arrange(string? password = null)
    {
        var registry = fixture.Require();
        if (RegistryFixture.FixturesMissing() is { } why)
        {
            Assert.Skip(why);
        }

        _objects[("secrets", "push")] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "push", ["namespace"] = "default" },
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson(password))) },
        };
        var standIn = new KanikoStandIn(
            (_, plural, _, name) => _objects.TryGetValue((plural, name), out var o) ? o : null,
            new KanikoStandInOptions(registry.Host, registry.CertDirectory, new PrebuiltBinaries(RegistryFixture.FixtureDirectory, new Dictionary<string, string>()),
                Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, "kaniko-" + Guid.NewGuid().ToString("N"))).FullName));
        return (registry, standIn);
    }

    private JsonObject Job(string destination, string? features = null)
    {
        var containerfile = ContainerfileParserTests.Recipe.Replace(", \"--features\", \"greeting-v2,extra\"", features is null ? "" : ", \"--features\", \"" + features + "\"", StringComparison.Ordinal);
        _objects[("configmaps", "hello-build-abc")] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "hello-build-abc", ["namespace"] = "default" },
            ["data"] = new JsonObject { ["Containerfile"] = containerfile },
        };
        return JsonNode.Parse($$"""
            {
              "metadata": { "name": "hello-build-abc", "namespace": "default", "labels": { "tinyimage.dev/name": "hello" } },
              "spec": { "template": { "spec": {
                "restartPolicy": "Never",
                "containers": [ {
                  "name": "kaniko",
                  "image": "ghcr.io/osscontainertools/kaniko:v1.28.4",
                  "args": ["--context=dir:///workspace", "--dockerfile=/kaniko/containerfile/Containerfile",
                           "--destination={{destination}}", "--digest-file=/dev/termination-log", "--reproducible"],
                  "volumeMounts": [
                    { "name": "containerfile", "mountPath": "/kaniko/containerfile", "readOnly": true },
                    { "name": "docker-config", "mountPath": "/kaniko/.docker", "readOnly": true },
                    { "name": "workspace", "mountPath": "/workspace" } ]
                } ],
                "volumes": [
                  { "name": "containerfile", "configMap": { "name": "hello-build-abc" } },
                  { "name": "docker-config", "secret": { "secretName": "push", "items": [ { "key": ".dockerconfigjson", "path": "config.json" } ] } },
                  { "name": "workspace", "emptyDir": {} } ]
              } } }
            }
            """)!.AsObject();
    }
}
