using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>A status write whose status the caller has already serialized sends those bytes as the body's status (issue 17).</summary>
public sealed class ResourceClientStatusJsonTests
{
    private const string Namespace = "demo";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void The_Body_Is_The_Object_With_The_Given_Status_As_If_Serialized_Whole()
    {
        var client = new ResourceClient<V1Deployment>(new KubeConnection(new HttpClient(), new Uri("http://127.0.0.1:1/")), ResourceTypes.Deployments);
        var status = new V1DeploymentStatus { ObservedGeneration = 3, Replicas = 2, Conditions = [new V1DeploymentCondition { Type = "Available", Status = "True", Message = "a \"status\": quoted" }] };
        var statusJson = JsonSerializer.SerializeToUtf8Bytes(status, KubeJsonContext.Default.V1DeploymentStatus);
        var withoutStatus = Deployment();
        withoutStatus.Metadata.Annotations = new Dictionary<string, string> { ["status"] = "an annotation named status stays an annotation" };

        using var content = client.SerializeWithStatus(withoutStatus, statusJson);
        var body = JsonNode.Parse(content.ReadAsStream(TestContext.Current.CancellationToken))!;

        var whole = Deployment();
        whole.Metadata.Annotations = withoutStatus.Metadata.Annotations;
        whole.Status = status;
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(whole, KubeJsonContext.Default.V1Deployment), body), body.ToJsonString());
        Assert.Equal("application/json", content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_Status_Written_From_Its_Json_Is_Stored_And_The_Spec_In_The_Body_Is_Ignored_As_Usual()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1Deployment>(connection, ResourceTypes.Deployments);
        var created = (await client.CreateAsync(Deployment(), Token)).Value!;
        var statusJson = JsonSerializer.SerializeToUtf8Bytes(new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1 }, KubeJsonContext.Default.V1DeploymentStatus);
        created.Spec.Replicas = 5; // a status write does not change the spec

        var (written, version) = await client.ReplaceStatusForVersionAsync(created, statusJson, known: null, Token);

        Assert.Equal(WriteOutcome.Ok, written.Outcome);
        var stored = (await client.GetAsync(Namespace, "app", Token))!;
        Assert.Equal(1, stored.Status!.Replicas);
        Assert.Equal(1, stored.Spec.Replicas);
        Assert.Equal(stored.Metadata.ResourceVersion, version);

        // The body's resourceVersion is the precondition, as for any status write.
        var (stale, _) = await client.ReplaceStatusForVersionAsync(created, statusJson, known: null, Token);
        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
    }

    /// <summary>
    /// Issue 17, eighth round: a status write that reads only its answer's identity gives the new resourceVersion (no
    /// object), or the object the caller holds at that version; a conflict gives neither.
    /// </summary>
    [Fact]
    public async Task A_Status_Write_For_Its_Version_Gives_The_Stored_Version_Or_The_Object_Held_At_It()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var client = new ResourceClient<V1Deployment>(connection, ResourceTypes.Deployments);
        var created = (await client.CreateAsync(Deployment(), Token)).Value!;
        var statusJson = JsonSerializer.SerializeToUtf8Bytes(new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1 }, KubeJsonContext.Default.V1DeploymentStatus);

        var (written, version) = await client.ReplaceStatusForVersionAsync(created, statusJson, known: null, Token);

        Assert.Equal((WriteOutcome.Ok, null), (written.Outcome, written.Value));
        var stored = (await client.GetAsync(Namespace, "app", Token))!;
        Assert.Equal(stored.Metadata.ResourceVersion, version);
        Assert.Equal(1, stored.Status!.Replicas);

        var held = new V1Deployment { Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = Namespace } };
        var asked = new List<(ObjectKey, string)>();
        var (again, againVersion) = await client.ReplaceStatusForVersionAsync(stored, statusJson, (key, resourceVersion) =>
        {
            asked.Add((key, resourceVersion));
            return held;
        }, Token);

        Assert.Same(held, again.Value);
        Assert.Equal([(new ObjectKey(Namespace, "app"), againVersion!)], asked);

        var (stale, staleVersion) = await client.ReplaceStatusForVersionAsync(created, statusJson, known: null, Token);
        Assert.Equal((WriteOutcome.Conflict, null, null), (stale.Outcome, stale.Value, staleVersion));
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
