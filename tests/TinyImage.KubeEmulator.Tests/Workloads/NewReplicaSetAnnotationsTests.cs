using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Workloads;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>
/// The deployment controller reads an existing new ReplicaSet's annotations in place and copies them only when
/// <c>SetNewReplicaSetAnnotations</c> (deployment/util) will change them: the check agrees with the change itself.
/// </summary>
public sealed class NewReplicaSetAnnotationsTests
{
    [Theory]
    [InlineData("""{"a":"1"}""", """{"a":"1","deployment.kubernetes.io/revision":"1"}""", "1", false)] // as written: no change
    [InlineData("""{"a":"1"}""", """{"deployment.kubernetes.io/revision":"1"}""", "1", true)] // an annotation to copy
    [InlineData("""{"a":"2"}""", """{"a":"1","deployment.kubernetes.io/revision":"1"}""", "1", true)] // a changed one
    [InlineData("""{"a":"1"}""", """{"a":"1","deployment.kubernetes.io/revision":"1"}""", "2", true)] // a higher revision
    [InlineData("""{"a":"1"}""", """{"a":"1","deployment.kubernetes.io/revision":"3"}""", "2", false)] // a lower one
    [InlineData("""{"a":"2"}""", """{"a":"1","deployment.kubernetes.io/revision":"x"}""", "2", false)] // not a number: stops
    [InlineData("""null""", """{"deployment.kubernetes.io/revision":"1"}""", "1", false)]
    [InlineData("""null""", """null""", "1", true)] // no annotations yet: the revision
    [InlineData(
        """{"deployment.kubernetes.io/revision":"7","deployment.kubernetes.io/desired-replicas":"9","kubectl.kubernetes.io/last-applied-configuration":"{}"}""",
        """{"deployment.kubernetes.io/revision":"1"}""", "1", false)] // the Deployment's own revision, replica and last-applied annotations are not copied
    public void The_In_Place_Check_Agrees_With_The_Change(string deploymentAnnotations, string replicaSetAnnotations, string newRevision, bool expected)
    {
        var meta = new JsonObject { ["name"] = "web", ["namespace"] = "default" };
        if (JsonNode.Parse(deploymentAnnotations) is JsonObject a)
        {
            meta["annotations"] = a;
        }

        var d = new DeploymentView(new JsonObject { ["metadata"] = meta, ["spec"] = new JsonObject { ["replicas"] = 1 } });
        var rsAnnotations = JsonNode.Parse(replicaSetAnnotations) as JsonObject;
        var copy = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = rsAnnotations?.DeepClone() } };

        var changed = DeploymentController.SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true);

        Assert.Equal(expected, changed);
        Assert.Equal(changed, DeploymentController.NewReplicaSetAnnotationsChange(d, rsAnnotations, newRevision));
    }
}
