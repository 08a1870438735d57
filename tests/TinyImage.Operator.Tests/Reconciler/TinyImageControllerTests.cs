using k8s.Models;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class TinyImageControllerTests
{
    private static readonly Func<InformerEvent<V1Job>, bool> JobWakes = EventFilters.WhenChanged<V1Job, (bool, bool, bool)>(TinyImageController.JobSummary);
    private static readonly Func<InformerEvent<V1Deployment>, bool> DeploymentWakes = EventFilters.WhenChanged<V1Deployment, (RolloutState, bool, int)>(TinyImageController.DeploymentSummary);

    [Fact]
    public void A_Running_Jobs_Active_Count_Changing_Does_Not_Wake()
    {
        var created = Job(active: null);
        var running = Job(active: 1);
        running.Status.StartTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.False(JobWakes(Updated(running, created)));
        Assert.False(JobWakes(Updated(Job(active: 0), running)));
        Assert.False(JobWakes(new InformerEvent<V1Job>(InformerEventType.Added, created, null)));
    }

    [Theory]
    [InlineData("Complete")]
    [InlineData("Failed")]
    public void A_Job_Finishing_Wakes(string condition)
    {
        var running = Job(active: 1);
        var finished = Job(active: 0);
        finished.Status.Conditions = [new V1JobCondition { Type = condition, Status = "True" }];

        Assert.True(JobWakes(Updated(finished, running)));
        Assert.True(JobWakes(new InformerEvent<V1Job>(InformerEventType.Added, finished, null)));
    }

    [Fact]
    public void A_Job_Going_Away_Wakes()
    {
        var running = Job(active: 1);
        var deleting = Job(active: 1);
        deleting.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.True(JobWakes(Updated(deleting, running)));
    }

    [Fact]
    public void A_Deployments_Status_Changing_Without_Its_Rollout_Availability_Or_Ready_Count_Does_Not_Wake()
    {
        var old = Deployment(updated: 1, available: 1, ready: 1);
        var noisy = Deployment(updated: 1, available: 1, ready: 1);
        noisy.Status.Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable", LastUpdateTime = new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc) }];
        noisy.Status.CollisionCount = 1;

        Assert.False(DeploymentWakes(Updated(noisy, old)));
    }

    [Fact]
    public void A_Deployments_Rollout_Availability_Or_Ready_Count_Changing_Wakes()
    {
        var rolling = Deployment(updated: 0, available: 0, ready: 0);
        var ready = Deployment(updated: 1, available: 0, ready: 1);
        var available = Deployment(updated: 1, available: 1, ready: 1);
        var exceeded = Deployment(updated: 0, available: 0, ready: 0);
        exceeded.Status.Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = RolloutStatus.ProgressDeadlineExceeded }];

        Assert.True(DeploymentWakes(Updated(ready, rolling)));
        Assert.True(DeploymentWakes(Updated(available, ready)));
        Assert.True(DeploymentWakes(Updated(exceeded, rolling)));
    }

    private static InformerEvent<T> Updated<T>(T now, T old)
        where T : class => new(InformerEventType.Updated, now, old);

    private static V1Job Job(int? active) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello-build-1", NamespaceProperty = "demo", ResourceVersion = "1" },
        Status = new V1JobStatus { Active = active },
    };

    private static V1Deployment Deployment(int updated, int available, int ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo", Generation = 2 },
        Spec = new V1DeploymentSpec { Replicas = 1 },
        Status = new V1DeploymentStatus
        {
            ObservedGeneration = 2,
            Replicas = 1,
            UpdatedReplicas = updated,
            AvailableReplicas = available,
            ReadyReplicas = ready,
        },
    };
}
