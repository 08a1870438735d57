using k8s.Models;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class CachedFormTests
{
    [Fact]
    public void A_Cached_Deployment_Keeps_Only_What_A_Pass_Reads()
    {
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Generation = 2, Annotations = new Dictionary<string, string> { [CachedForm.SpecHashAnnotation] = "sha256:1" } },
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "hello" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "hello" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry/app@sha256:1", Command = ["/bin/hello"], Ports = [new V1ContainerPort { ContainerPort = 8080 }] }] },
                },
            },
            Status = new V1DeploymentStatus
            {
                ObservedGeneration = 2, Replicas = 3, UpdatedReplicas = 3, ReadyReplicas = 2, AvailableReplicas = 2,
                Conditions =
                [
                    new V1DeploymentCondition { Type = "Available", Status = "True", Reason = "MinimumReplicasAvailable" },
                    new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable" },
                ],
            },
        };

        var cached = CachedForm.Deployment(deployment);

        Assert.Equal((3, (long?)2), (cached.Spec.Replicas, cached.Metadata.Generation));
        Assert.Null(cached.Spec.Selector);
        Assert.Null(cached.Spec.Template.Metadata);
        var container = Assert.Single(cached.Spec.Template.Spec.Containers);
        Assert.Equal(("app", "registry/app@sha256:1", null, null), (container.Name, container.Image, container.Command, container.Ports));
        Assert.Equal("sha256:1", cached.Metadata.Annotations[CachedForm.SpecHashAnnotation]);
        Assert.Equal(((long?)2, 3, 3, 2, 2), (cached.Status.ObservedGeneration, cached.Status.Replicas, cached.Status.UpdatedReplicas, cached.Status.ReadyReplicas, cached.Status.AvailableReplicas));
        Assert.Equal("NewReplicaSetAvailable", Assert.Single(cached.Status.Conditions).Reason);
        Assert.Equal((RolloutState.InProgress, false, 2), TinyImageController.DeploymentSummary(cached));
    }

    [Fact]
    public void A_Cached_Job_Keeps_Its_Metadata_And_Status_Without_Its_Spec()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "hello-build-1", NamespaceProperty = "demo", Annotations = new Dictionary<string, string> { ["tinyimage.dev/retry"] = "1" } },
            Spec = new V1JobSpec { BackoffLimit = 0, Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "kaniko" }] } } },
            Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }] },
        };

        var cached = CachedForm.Job(job);

        Assert.Null(cached.Spec);
        Assert.Equal("1", cached.Metadata.Annotations["tinyimage.dev/retry"]);
        Assert.Equal((true, false, false), TinyImageController.JobSummary(cached));
    }

    [Fact]
    public void The_Spec_Hash_Follows_The_Spec()
    {
        var a = System.Text.Json.Nodes.JsonNode.Parse("""{"replicas":1,"template":{"spec":{"containers":[{"name":"app","image":"x"}]}}}""");
        var b = System.Text.Json.Nodes.JsonNode.Parse("""{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"x"}]}}}""");

        Assert.Equal(CachedForm.SpecHash(a), CachedForm.SpecHash(a!.DeepClone()));
        Assert.NotEqual(CachedForm.SpecHash(a), CachedForm.SpecHash(b));
        Assert.Matches("^sha256:[0-9a-f]{64}$", CachedForm.SpecHash(a));
    }

    /// <summary>
    /// Issue 17, eighth round: the spec hash is taken of the spec's serialized bytes instead of its JSON node's text. The
    /// two must agree byte for byte (escapes, numbers, quantities, int-or-string), or an upgrade would see every cached
    /// Deployment's spec-hash annotation as different and rewrite every Deployment.
    /// </summary>
    [Fact]
    public void The_Spec_Hash_Of_A_Specs_Bytes_Equals_The_Hash_Of_Its_Json_Node()
    {
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<V1DeploymentSpec>)TinyImage.Kube.ResourceTypes.Deployments.ItemInfo.Options.GetTypeInfo(typeof(V1DeploymentSpec));
        var built = TinyImage.Operator.Deploying.DeploymentBuilder.Build(
            Samples.Hello().Valid(), TinyImage.Operator.Tests.Deploying.DeploymentBuilderTests.Image, TinyImage.Operator.Tests.Deploying.DeploymentBuilderTests.Hash).Spec;
        var odd = "quote \" slash \\ tab \t <html> & 'apostrophe' + plus é 😀 \u2028 \u0001";
        var tricky = new V1DeploymentSpec
        {
            Replicas = 3,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = odd } },
            ExtensionData = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["strategy"] = System.Text.Json.JsonDocument.Parse("""{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":0,"x":"\u00e9\"<"}}""").RootElement,
                ["minReadySeconds"] = System.Text.Json.JsonDocument.Parse("1.50").RootElement,
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [odd] = odd } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "app",
                            Image = "x",
                            Args = [odd, "", "1e3", "0.10"],
                            Env = [new V1EnvVar { Name = "E", Value = odd }],
                            Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("64Mi") } },
                        },
                    ],
                },
            },
        };

        foreach (var spec in new[] { built, tricky })
        {
            Assert.Equal(CachedForm.SpecHash(System.Text.Json.JsonSerializer.SerializeToNode(spec, info)), CachedForm.SpecHash(spec, info));
        }

        Assert.Equal(CachedForm.SpecHash(null), CachedForm.SpecHash<V1DeploymentSpec>(null, info));
        Assert.NotEqual(CachedForm.SpecHash(built, info), CachedForm.SpecHash(tricky, info));
    }
}
