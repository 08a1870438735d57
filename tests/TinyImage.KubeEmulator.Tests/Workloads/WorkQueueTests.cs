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
    public async Task A_Deadline_Decided_Before_The_Clock_Moved_Fires_At_That_Deadline_Not_A_Delay_Later()
    {
        // The deployment controller decides its progress deadline from one reading of the clock (lastUpdateTime + 600 s);
        // a test may advance the emulator's clock before the queue makes the timer. The deadline holds: had the decision
        // been handed over as a 600 s delay, the wait would end 590 s too late (the clock would have to reach 00:19:50).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var queue = new WorkQueue(time);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(600);

        time.Advance(TimeSpan.FromSeconds(590));
        queue.AddAt("d/web", deadline);
        time.Advance(TimeSpan.FromSeconds(9));
        var early = queue.Length;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, early);
        Assert.Equal(1, queue.Length);
        Assert.Equal("d/web", await queue.TakeAsync(TestContext.Current.CancellationToken));
        queue.AddAt("d/web", deadline); // a deadline already passed queues the key at once
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void A_Clock_That_Moves_A_Little_On_Every_Reading_Gets_One_Timer_Per_Wait()
    {
        // A real clock reads a little later every time. Only a jump (a test's Advance) while the timer is made is worth
        // making the timer again; a clock that ticks on every reading must not make the queue spin until the deadline.
        var time = new TickingTimeProvider();
        var queue = new WorkQueue(time);

        queue.AddAt("d/web", time.GetUtcNow() + TimeSpan.FromMilliseconds(5));
        queue.AddAfter("d/api", TimeSpan.FromMilliseconds(5));

        Assert.Equal(2, time.TimersMade);
    }

    /// <summary>The system clock, except that every reading is 100 ns after the previous one, and timers made are counted.</summary>
    private sealed class TickingTimeProvider : TimeProvider
    {
        private readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private long _readings;
        private int _timers;

        public int TimersMade => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => _start.AddTicks(Interlocked.Increment(ref _readings));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
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
