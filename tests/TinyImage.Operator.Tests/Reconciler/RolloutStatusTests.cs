using k8s.Models;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// The rollout rule against the cases of kubectl's TestDeploymentStatusViewerStatus
/// (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status_test.go), plus the progress deadline.
/// </summary>
public sealed class RolloutStatusTests
{
    [Theory]
    [InlineData(0, 1, 1, 1, 0, 1, false)] // test1: 0 out of 1 new replicas updated
    [InlineData(1, 1, 1, 2, 1, 2, false)] // test2: 1 old replica pending termination
    [InlineData(1, 2, 1, 2, 2, 1, false)] // test3: 1 of 2 updated replicas available
    [InlineData(1, 2, 1, 2, 2, 2, true)]  // test4: successfully rolled out
    [InlineData(2, 2, 1, 2, 2, 2, false)] // test5: spec update not observed yet
    public void A_Deployment_Is_Rolled_Out_By_The_Rule_Of_Kubectl_Rollout_Status(long generation, int desired, long observed, int replicas, int updated, int available, bool done)
    {
        var deployment = Deployment(generation, observed, replicas, updated, available);

        var (state, _) = RolloutStatus.Of(deployment, desired);

        Assert.Equal(done ? RolloutState.Complete : RolloutState.InProgress, state);
    }

    [Fact]
    public void A_Progressing_Condition_Of_ProgressDeadlineExceeded_Ends_The_Rollout_With_Its_Message()
    {
        var deployment = Deployment(3, 3, 2, 1, 1);
        deployment.Status.Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"hello-7c9d8f\" has timed out progressing." }];

        var (state, detail) = RolloutStatus.Of(deployment, 1);

        Assert.Equal(RolloutState.DeadlineExceeded, state);
        Assert.Equal("ReplicaSet \"hello-7c9d8f\" has timed out progressing.", detail);
    }

    [Fact]
    public void A_Deployment_Without_Status_Is_Not_Rolled_Out()
    {
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Generation = 1 }, Spec = new V1DeploymentSpec { Replicas = 1 } };

        Assert.Equal(RolloutState.InProgress, RolloutStatus.Of(deployment, 1).State);
    }

    private static V1Deployment Deployment(long generation, long observed, int replicas, int updated, int available) => new()
    {
        Metadata = new V1ObjectMeta { Name = "foo", NamespaceProperty = "bar", Generation = generation },
        Status = new V1DeploymentStatus { ObservedGeneration = observed, Replicas = replicas, UpdatedReplicas = updated, AvailableReplicas = available },
    };
}
