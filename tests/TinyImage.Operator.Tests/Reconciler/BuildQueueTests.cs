using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary><see cref="BuildQueue"/>: who may start a build, given the caps, the running builds and the waiting ones.</summary>
public sealed class BuildQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    private static WaitingBuild Waiting(string ns, string name, int minutes) => new(new ObjectKey(ns, name), T0.AddMinutes(minutes));

    [Fact]
    public void The_Oldest_Waiting_Build_Takes_The_Free_Slot_And_A_Newer_One_Waits_First_In_Line()
    {
        var caps = new BuildCaps(2, 0);
        var older = Waiting("a", "older", 0);
        var newer = Waiting("b", "newer", 5);

        var forNewer = BuildQueue.Decide(caps, ["c"], [older], newer);
        var forOlder = BuildQueue.Decide(caps, ["c"], [newer], older);

        Assert.False(forNewer.Admitted);
        Assert.Equal(1, forNewer.Place);
        Assert.Equal([older.Key], forNewer.Others);
        Assert.True(forOlder.Admitted);
        Assert.Empty(forOlder.Others);
    }

    [Fact]
    public void A_Queued_Build_Is_Told_Which_Cap_And_Its_Value_In_A_Message_That_Does_Not_Change_As_The_Line_Moves()
    {
        var caps = new BuildCaps(2, 0);

        var admission = BuildQueue.Decide(caps, ["a", "b"], [Waiting("a", "first", 0), Waiting("b", "second", 1)], Waiting("c", "third", 2));

        Assert.False(admission.Admitted);
        Assert.Equal(3, admission.Place);
        Assert.Contains("cluster-wide cap of 2 concurrent builds (--max-concurrent-builds)", admission.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("place", admission.Message, StringComparison.Ordinal);

        // One build ahead finished and one more runs elsewhere: the place changes, the sentence in status does not.
        var later = BuildQueue.Decide(caps, ["a", "x"], [Waiting("b", "second", 1)], Waiting("c", "third", 2));
        Assert.Equal(2, later.Place);
        Assert.Equal(admission.Message, later.Message);
    }

    [Fact]
    public void A_Namespace_At_Its_Own_Cap_Waits_And_Names_That_Cap_While_Another_Namespace_Starts_Past_It()
    {
        var caps = new BuildCaps(4, 2);
        var a1 = Waiting("team-a", "a1", 0);
        var b1 = Waiting("team-b", "b1", 10);

        var forA = BuildQueue.Decide(caps, ["team-a", "team-a"], [b1], a1);
        var forB = BuildQueue.Decide(caps, ["team-a", "team-a"], [a1], b1);

        Assert.False(forA.Admitted);
        Assert.Contains("per-namespace cap of 2 concurrent builds (--max-concurrent-builds-per-namespace) is reached in team-a", forA.Message, StringComparison.Ordinal);
        Assert.Equal([b1.Key], forA.Others);
        Assert.True(forB.Admitted);
    }

    [Fact]
    public void One_Namespace_Cannot_Take_The_Whole_Cluster_Wide_Cap_However_Early_Its_Builds_Queued()
    {
        var caps = new BuildCaps(3, 2);
        WaitingBuild[] line = [Waiting("team-a", "a1", 0), Waiting("team-a", "a2", 1), Waiting("team-a", "a3", 2), Waiting("team-b", "b1", 3), Waiting("team-b", "b2", 4)];

        var next = BuildQueue.Next(caps, [], line);

        Assert.Equal([line[0].Key, line[1].Key, line[3].Key], next);
    }

    [Fact]
    public void Waiting_Builds_Of_The_Same_Instant_Start_In_Namespace_And_Name_Order()
    {
        var next = BuildQueue.Next(new BuildCaps(1, 0), [], [Waiting("b", "x", 0), Waiting("a", "y", 0), Waiting("a", "x", 0)]);

        Assert.Equal([new ObjectKey("a", "x")], next);
    }

    [Fact]
    public void Without_Caps_Every_Build_Starts()
    {
        var admission = BuildQueue.Decide(BuildCaps.Unlimited, Enumerable.Repeat<string?>("a", 500), [Waiting("a", "older", 0)], Waiting("a", "x", 1));

        Assert.True(admission.Admitted);
        Assert.False(BuildCaps.Unlimited.Enabled);
    }
}
