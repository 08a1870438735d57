using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator.Workloads;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>The controllers' work queue waits as client-go's delaying queue does (delaying_queue.go <c>insert</c>).</summary>
public sealed class WorkQueueTests
{
    [Fact]
    public async Task A_Key_Waits_Once_For_The_Earliest_Time_Asked_And_A_Later_One_Is_Dropped()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);

        queue.AddAfter("d/web", TimeSpan.FromSeconds(10));
        queue.AddAfter("d/web", TimeSpan.FromSeconds(20)); // the deployment controller's requeue for its deadline, asked again
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, queue.Length);
        Assert.Equal("d/web", await queue.TakeAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task An_Earlier_Time_Moves_The_Wait_Forward()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);

        queue.AddAfter("d/web", TimeSpan.FromSeconds(20));
        queue.AddAfter("d/web", TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, queue.Length);
        Assert.Equal("d/web", await queue.TakeAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task A_Key_Can_Wait_Again_Once_Its_Wait_Fired_And_Keys_Wait_Apart()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);

        queue.AddAfter("d/web", TimeSpan.FromSeconds(10));
        queue.AddAfter("d/api", TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("d/web", await queue.TakeAsync(TestContext.Current.CancellationToken));

        queue.AddAfter("d/web", TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Length);
        Assert.Equal("d/web", await queue.TakeAsync(TestContext.Current.CancellationToken));

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("d/api", await queue.TakeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public void A_Stopped_Queue_Adds_Nothing_When_Its_Waits_Would_Have_Fired()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue(time);

        queue.AddAfter("d/web", TimeSpan.FromSeconds(10));
        queue.Stop();
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, queue.Length);
    }
}
