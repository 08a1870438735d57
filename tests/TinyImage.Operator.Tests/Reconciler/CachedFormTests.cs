using k8s.Models;
using TinyImage.Operator.Reconciler;
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
}
