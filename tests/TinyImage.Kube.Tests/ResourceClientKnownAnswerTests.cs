using k8s.Models;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>A status write's answer is the object the caller holds at the answer's key and resourceVersion, when it holds one.</summary>
public sealed class ResourceClientKnownAnswerTests
{
    private const string Namespace = "demo";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Status_Write_Whose_Answer_Version_Is_Held_Takes_The_Held_Instance_And_Others_Are_Decoded()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1Deployment>(connection, ResourceTypes.Deployments);
        var created = (await client.CreateAsync(Deployment(), Token)).Value!;
        var asked = new List<(ObjectKey Key, string ResourceVersion)>();
        V1Deployment? held = null;

        created.Status = new V1DeploymentStatus { ObservedGeneration = 1 };
        var first = await client.ReplaceStatusAsync(created, (key, resourceVersion) =>
        {
            asked.Add((key, resourceVersion));
            return held = new V1Deployment { Metadata = new V1ObjectMeta { Name = key.Name, NamespaceProperty = key.Namespace, ResourceVersion = resourceVersion } };
        }, Token);

        Assert.Same(held, first.Value); // not decoded: the held instance is the answer
        var (askedKey, askedVersion) = Assert.Single(asked);
        Assert.Equal(new ObjectKey(Namespace, "app"), askedKey);
        var stored = (await client.GetAsync(Namespace, "app", Token))!;
        Assert.Equal(stored.Metadata.ResourceVersion, askedVersion);

        stored.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1 };
        var second = await client.ReplaceStatusAsync(stored, (_, _) => null, Token);

        Assert.Equal(1, second.Value!.Status.Replicas); // nothing held: the answer is decoded
        Assert.NotEqual(askedVersion, second.Value.Metadata.ResourceVersion);
    }

    private static V1Deployment Deployment() => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Namespace },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "app" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "app" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.local/app:1" }] },
            },
        },
    };
}
