using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TinyImage.KubeEmulator;
using TinyImage.KubeEmulator.StandIns;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd.StandIns;

/// <summary>The kubelet stand-in runs the pods of the operator's own Deployment (created by the emulator's controllers) with real podman containers pulled from the real registry.</summary>
public sealed class PodmanKubeletTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task A_Deployment_Serves_Its_Digest_And_Switches_Only_When_The_New_Container_Answers()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = fixture.Require();
        if (RegistryFixture.FixturesMissing() is { } why)
        {
            Assert.Skip(why);
        }

        var podmanDir = Path.Combine(fixture.WorkDirectory, "podman-check");
        if (await Podman.MissingPrerequisiteAsync(podmanDir, ct) is { } noPodman)
        {
            Assert.Skip(noPodman);
        }

        await using var kube = await ApiServerEmulator.StartAsync(cancellationToken: ct);
        kube.CreateNamespace("demo");
        kube.Create("v1", "secrets", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "push", ["namespace"] = "demo" },
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) },
        });
        var ti = TinyImage(registry.Host);
        var v1 = await BuildAsync(registry, ti, "1111111111", ct);
        ti.Spec.Build.Features = ["greeting-v2"];
        var v2 = await BuildAsync(registry, ti, "2222222222", ct);
        await using var kubelet = PodmanKubelet.Start(kube, new PodmanKubeletOptions(Path.Combine(fixture.WorkDirectory, "kubelet"), registry.CertDirectory));
        TestContext.Current.SendDiagnosticMessage("kubelet stand-in: " + PodmanKubelet.RuntimeDescription);

        var deployment = JsonNode.Parse(OperatorJson.Serialize(DeploymentBuilder.Build(Valid(ti), registry.Host + "/demo/hello@" + v1, "1111111111")))!.AsObject();
        deployment["metadata"]!.AsObject().Remove("ownerReferences"); // no TinyImage owner here: the garbage collector would delete it
        Assert.True(kube.Create("apps/v1", "deployments", deployment).IsSuccess);
        await Eventually.HoldsAsync(() => Available(kube) == 1, "the Deployment becomes available", ct);
        var url = kubelet.ServiceUrl("demo", "hello")!;
        Assert.Equal("hello from tinyimage 0.1.0\n", await Get(url, ct));

        kube.Mutate("apps/v1", "deployments", "demo", "hello", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = registry.Host + "/demo/hello@" + v2);
        await Eventually.HoldsAsync(() => Available(kube) == 2, "the new generation becomes available", ct);

        Assert.Equal("hello again from tinyimage 0.1.0\n", await Get(url, ct));
        Assert.Equal([v1, v2], kubelet.Rollouts.Select(r => r.Image[(r.Image.IndexOf('@', StringComparison.Ordinal) + 1)..]));
        Assert.Empty(kubelet.Failures);
        await Eventually.HoldsAsync(async () => !await Answers(kubelet.Rollouts.First().ContainerUrl, ct), "the old container is removed", ct);
    }

    [Fact]
    public async Task A_Digest_That_Cannot_Be_Pulled_Leaves_The_Pod_In_ErrImagePull_And_The_Deployment_Unavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = fixture.Require();
        var podmanDir = Path.Combine(fixture.WorkDirectory, "podman-check");
        if (await Podman.MissingPrerequisiteAsync(podmanDir, ct) is { } noPodman)
        {
            Assert.Skip(noPodman);
        }

        await using var kube = await ApiServerEmulator.StartAsync(cancellationToken: ct);
        kube.CreateNamespace("demo");
        await using var kubelet = PodmanKubelet.Start(kube, new PodmanKubeletOptions(Path.Combine(fixture.WorkDirectory, "kubelet-unpullable"), registry.CertDirectory));
        var ti = TinyImage(registry.Host);
        var missing = "sha256:" + new string('a', 64);

        var deployment = JsonNode.Parse(OperatorJson.Serialize(DeploymentBuilder.Build(Valid(ti), registry.Host + "/demo/hello@" + missing, "1111111111")))!.AsObject();
        deployment["metadata"]!.AsObject().Remove("ownerReferences"); // no TinyImage owner here: the garbage collector would delete it
        Assert.True(kube.Create("apps/v1", "deployments", deployment).IsSuccess);

        await Eventually.HoldsAsync(() => !kubelet.Failures.IsEmpty, "the pull fails", ct);
        Assert.Contains("ErrImagePull", kubelet.Failures.Single(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => kube.Deployments.PodsOf("demo", "hello") is [var p] && (string?)p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"] == "ErrImagePull",
            "the pod reports ErrImagePull", ct);
        var status = kube.Get("apps/v1", "deployments", "demo", "hello").Body["status"]!;
        Assert.Equal("False", (string?)Condition(status, "Available")?["status"]);
        Assert.Null(status["availableReplicas"]);
        Assert.Null(kubelet.ServiceUrl("demo", "hello"));
    }

    private static Api.V1Alpha1.TinyImage TinyImage(string registryHost) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Uid = "3f0c9a4e-5b1d-4c2a-9e7f-0a1b2c3d4e5f" },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
            Binary = "hello-service",
            Output = new OutputSpec { Repository = registryHost + "/demo/hello", PushSecret = "push" },
            // The workload pulls with its own Secret: the push secret never reaches it (here the same credentials).
            Deploy = new DeploySpec { ImagePullSecrets = ["push"] },
        },
    };

    private async Task<string> BuildAsync(LocalRegistry registry, Api.V1Alpha1.TinyImage ti, string hash, CancellationToken ct)
    {
        var options = new OperatorOptions();
        var objects = new Dictionary<string, JsonObject>
        {
            ["configmaps"] = new JsonObject { ["data"] = new JsonObject() }, // the source (the Containerfile is in the Job)
            ["secrets"] = new JsonObject { ["data"] = new JsonObject { [".dockerconfigjson"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(registry.DockerConfigJson())) } },
        };
        var standIn = new KanikoStandIn((_, plural, _, _) => objects.GetValueOrDefault(plural),
            new KanikoStandInOptions(registry.Host, registry.CertDirectory, new PrebuiltBinaries(RegistryFixture.FixtureDirectory, new Dictionary<string, string>()),
                Directory.CreateDirectory(Path.Combine(fixture.WorkDirectory, "build-" + hash)).FullName));
        var result = await standIn.BuildAsync(JsonNode.Parse(OperatorJson.Serialize(KanikoJobBuilder.BuildJob(Valid(ti), hash, options)))!.AsObject(), ct);
        Assert.True(result.IsSuccess, result.Error);
        return result.Value!.Digest;
    }

    private static long Available(ApiServerEmulator kube)
    {
        var d = kube.Get("apps/v1", "deployments", "demo", "hello").Body;
        var status = d["status"] ?? new JsonObject();
        var complete = (int?)status["availableReplicas"] == 1 && (int?)status["updatedReplicas"] == 1 && (int?)status["replicas"] == 1
            && (string?)Condition(status, "Progressing")?["reason"] == "NewReplicaSetAvailable";
        return complete ? (long?)status["observedGeneration"] ?? 0 : 0;
    }

    private static JsonNode? Condition(JsonNode status, string type) =>
        (status["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == type);

    private static async Task<bool> Answers(Uri url, CancellationToken ct)
    {
        try
        {
            await Get(url, ct);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<string> Get(Uri url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(url, ct);
    }

    private static ValidTinyImage Valid(TinyImage.Api.V1Alpha1.TinyImage ti) =>
        SpecValidator.Validate(ti).Valid ?? throw new InvalidOperationException("invalid sample: " + SpecValidator.Validate(ti).Message);
}
