using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Building;
using TinyImage.Operator.Reconciler;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// <see cref="BuildSlots"/>: the caps applied to what the informer caches hold (build Jobs, TinyImage statuses), so a
/// restarted operator counts the same, with admitted builds holding their slot until their Job is in the cache.
/// </summary>
public sealed class BuildSlotsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);
    private readonly KubeConnection connection = new(new HttpClient(), new Uri("http://127.0.0.1:1"));
    private readonly ClusterView cluster;
    private readonly ManualClock clock = new(Now);

    public BuildSlotsTests()
    {
        cluster = new ClusterView(connection);
    }

    public void Dispose() => connection.Dispose();

    [Fact]
    public void Finished_Build_Jobs_Hold_No_Slot_And_Running_Ones_Do()
    {
        cluster.JobCache.Upsert(Job("demo", "done-build-1", "Complete"));
        cluster.JobCache.Upsert(Job("demo", "failed-build-1", "Failed"));
        cluster.JobCache.Upsert(Job("demo", "running-build-1", null));
        var slots = new BuildSlots(new BuildCaps(2, 0), cluster, clock);

        Assert.True(slots.TryStart(new ObjectKey("demo", "x"), "x-build-1", Now).Admitted);
        var refused = slots.TryStart(new ObjectKey("demo", "y"), "y-build-1", Now);

        Assert.False(refused.Admitted);
        Assert.Contains("cluster-wide cap of 2 concurrent builds", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_Admitted_Build_Holds_Its_Slot_Until_Its_Job_Is_In_The_Cache_Or_It_Is_Released()
    {
        var slots = new BuildSlots(new BuildCaps(1, 0), cluster, clock);

        Assert.True(slots.TryStart(new ObjectKey("demo", "x"), "x-build-1", Now).Admitted);
        Assert.False(slots.TryStart(new ObjectKey("demo", "y"), "y-build-1", Now).Admitted);
        slots.Release("demo", "x-build-1");
        Assert.True(slots.TryStart(new ObjectKey("demo", "y"), "y-build-1", Now).Admitted);

        // Its Job reaches the cache and finishes: the slot is free again.
        cluster.JobCache.Upsert(Job("demo", "y-build-1", null));
        Assert.False(slots.TryStart(new ObjectKey("demo", "z"), "z-build-1", Now).Admitted);
        cluster.JobCache.Upsert(Job("demo", "y-build-1", "Complete"));
        Assert.True(slots.TryStart(new ObjectKey("demo", "z"), "z-build-1", Now).Admitted);
    }

    [Fact]
    public void A_Reservation_Whose_Job_Never_Appears_Lapses()
    {
        var slots = new BuildSlots(new BuildCaps(1, 0), cluster, clock);
        Assert.True(slots.TryStart(new ObjectKey("demo", "x"), "x-build-1", Now).Admitted);

        clock.Advance(BuildSlots.ReservationLapse + TimeSpan.FromSeconds(1));

        Assert.True(slots.TryStart(new ObjectKey("demo", "y"), "y-build-1", clock.GetUtcNow()).Admitted);
    }

    [Fact]
    public void A_Restarted_Operator_Counts_Running_Builds_And_The_Line_From_The_Caches_Alone()
    {
        // What the first operator left: two running builds, and two TinyImages waiting since 06:01 and 06:02.
        cluster.JobCache.Upsert(Job("demo", "a-build-1", null));
        cluster.JobCache.Upsert(Job("demo", "b-build-1", null));
        cluster.TinyImageCache.Upsert(Queued("demo", "late", Now.AddMinutes(2)));
        cluster.TinyImageCache.Upsert(Queued("demo", "early", Now.AddMinutes(1)));
        var woken = new List<ObjectKey>();
        var restarted = new BuildSlots(new BuildCaps(2, 0), cluster, clock) { Wake = woken.Add };

        var late = restarted.TryStart(new ObjectKey("demo", "late"), "late-build-1", Now.AddMinutes(2));
        Assert.False(late.Admitted);
        Assert.Equal(2, late.Place);

        // One running build finishes: the earliest waiter is woken, and it (not the later one) may start.
        cluster.JobCache.Upsert(Job("demo", "a-build-1", "Complete"));
        restarted.WakeNext();
        Assert.Equal([new ObjectKey("demo", "early")], woken);
        Assert.False(restarted.TryStart(new ObjectKey("demo", "late"), "late-build-1", Now.AddMinutes(2)).Admitted);
        Assert.True(restarted.TryStart(new ObjectKey("demo", "early"), "early-build-1", Now.AddMinutes(1)).Admitted);
    }

    [Fact]
    public void A_Build_Recorded_As_Failed_Whose_Job_Stays_For_Its_Log_Holds_No_Slot()
    {
        cluster.JobCache.Upsert(Job("demo", "stuck-build-1", null));
        var stuck = Queued("demo", "stuck", Now);
        stuck.Status!.Build!.QueuedTime = null;
        stuck.Status.Build.FailureReason = Conditions.ReasonBuildImagePullFailed;
        cluster.TinyImageCache.Upsert(stuck);
        var slots = new BuildSlots(new BuildCaps(1, 0), cluster, clock);

        Assert.True(slots.TryStart(new ObjectKey("demo", "x"), "x-build-1", Now).Admitted);
    }

    [Fact]
    public void The_Per_Namespace_Cap_Counts_Only_That_Namespace()
    {
        cluster.JobCache.Upsert(Job("team-a", "a-build-1", null));
        var slots = new BuildSlots(new BuildCaps(0, 1), cluster, clock);

        Assert.False(slots.TryStart(new ObjectKey("team-a", "x"), "x-build-1", Now).Admitted);
        Assert.True(slots.TryStart(new ObjectKey("team-b", "y"), "y-build-1", Now).Admitted);
    }

    private static V1Job Job(string ns, string name, string? finished) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { [Annotations.ComponentLabel] = ChildMetadata.ComponentBuild },
        },
        Status = new V1JobStatus { Conditions = finished is null ? null : [new V1JobCondition { Type = finished, Status = "True" }] },
    };

    private static TinyImageResource Queued(string ns, string name, DateTimeOffset since) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Status = new TinyImageStatus { Build = new BuildStatus { JobName = name + "-build-1", QueuedTime = since.UtcDateTime } },
    };
}
