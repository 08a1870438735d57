using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class WorkQueueTests
{
    private static readonly WorkQueueOptions Options = new() { BackoffInitial = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(8) };

    [Fact]
    public async Task Adding_The_Same_Key_Twice_Queues_It_Once()
    {
        using var queue = new WorkQueue<string>(Options, new FakeTimeProvider());

        queue.Add("demo/a");
        queue.Add("demo/a");
        queue.Add("demo/b");

        Assert.Equal(2, queue.Depth);
        Assert.Equal("demo/a", await queue.GetAsync(TestContext.Current.CancellationToken));
        Assert.Equal("demo/b", await queue.GetAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task A_Key_Added_While_It_Is_Processed_Waits_Until_Done()
    {
        using var queue = new WorkQueue<string>(Options, new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;
        queue.Add("demo/a");
        var key = await queue.GetAsync(ct);

        queue.Add("demo/a");
        queue.Add("demo/a");

        Assert.Equal(0, queue.Depth);
        using var shortWait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var second = queue.GetAsync(shortWait.Token);
        Assert.False(second.IsCompleted);

        queue.Done(key);

        Assert.Equal("demo/a", await second);
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Workers_Never_Process_The_Same_Key_Concurrently()
    {
        using var queue = new WorkQueue<string>(Options, TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        var active = new Dictionary<string, int>();
        var gate = new Lock();
        var overlaps = 0;
        var passes = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new Controller<string>(
            queue,
            async (key, token) =>
            {
                lock (gate)
                {
                    active[key] = active.GetValueOrDefault(key) + 1;
                    if (active[key] > 1)
                    {
                        overlaps++;
                    }
                }

                try
                {
                    await Task.Yield();
                    for (var i = 0; i < 3; i++)
                    {
                        queue.Add(key); // adds while processing must not start a second worker on the key
                        await Task.Delay(1, CancellationToken.None);
                    }
                }
                finally
                {
                    lock (gate)
                    {
                        active[key]--;
                        passes++;
                    }
                }

                return ReconcileResult.Done;
            },
            concurrency: 8,
            NullLogger.Instance);
        var run = controller.RunAsync(stop.Token);

        for (var i = 0; i < 50; i++)
        {
            queue.Add("demo/" + (i % 3));
        }

        await Eventually.TrueAsync(() => Volatile.Read(ref passes) >= 30, "30 reconcile passes", ct);
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, overlaps);
    }

    [Fact]
    public void Rate_Limited_Adds_Double_The_Delay_Up_To_The_Cap_And_Are_Never_Dropped()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);
        var expected = new[] { 1, 2, 4, 8, 8, 8 };

        foreach (var seconds in expected)
        {
            queue.AddRateLimited("demo/a");
            clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1));
            Assert.Equal(0, queue.Depth);
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.Equal(1, queue.Depth);
            Drain(queue);
        }

        Assert.Equal(expected.Length, queue.NumRequeues("demo/a"));
    }

    [Fact]
    public void Forget_Resets_The_Backoff_Of_A_Key()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);
        queue.AddRateLimited("demo/a");
        queue.AddRateLimited("demo/a");
        clock.Advance(TimeSpan.FromSeconds(1));
        Drain(queue);

        queue.Forget("demo/a");
        queue.AddRateLimited("demo/a");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, queue.Depth);
        Assert.Equal(1, queue.NumRequeues("demo/a"));
    }

    [Fact]
    public void AddAfter_Queues_The_Key_When_The_Clock_Reaches_The_Delay()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);

        queue.AddAfter("demo/a", TimeSpan.FromMinutes(5));

        Assert.Equal(1, queue.WaitingCount);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, queue.Depth);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Depth);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void An_Earlier_AddAfter_Replaces_A_Later_Schedule_For_The_Same_Key()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);

        queue.AddAfter("demo/a", TimeSpan.FromMinutes(5));
        queue.AddAfter("demo/a", TimeSpan.FromMinutes(1));
        queue.AddAfter("demo/a", TimeSpan.FromMinutes(3));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Depth);
        Drain(queue);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Queue_Latency_Is_Measured_On_The_Injected_Clock()
    {
        var clock = new FakeTimeProvider();
        var latencies = new List<TimeSpan>();
        using var queue = new WorkQueue<string>(Options with { OnQueueLatency = latencies.Add }, clock);

        queue.Add("demo/a");
        clock.Advance(TimeSpan.FromSeconds(7));
        queue.Add("demo/a");
        var key = await queue.GetAsync(TestContext.Current.CancellationToken);
        queue.Done(key);

        Assert.Equal([TimeSpan.FromSeconds(7)], latencies);
    }

    [Fact]
    public async Task A_Failed_Reconcile_Is_Retried_With_Backoff_And_A_Success_Forgets_It()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);
        var ct = TestContext.Current.CancellationToken;
        var attempts = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new Controller<string>(
            queue,
            (_, _) => Task.FromResult(Interlocked.Increment(ref attempts) < 3 ? ReconcileResult.Backoff : ReconcileResult.Done),
            concurrency: 1,
            NullLogger.Instance);
        var run = controller.RunAsync(stop.Token);

        queue.Add("demo/a");
        await Eventually.TrueAsync(() => queue.WaitingCount == 1 && queue.ProcessingCount == 0, "first retry scheduled", ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) == 2 && queue.WaitingCount == 1 && queue.ProcessingCount == 0, "second retry scheduled", ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.Depth); // the second retry waits 2 s
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) == 3 && queue.ProcessingCount == 0, "third attempt succeeded", ct);

        Assert.Equal(0, queue.NumRequeues("demo/a"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_Pass_That_Needs_No_Recheck_Cancels_The_Recheck_An_Earlier_Pass_Scheduled()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(Options, clock);
        var ct = TestContext.Current.CancellationToken;
        var passes = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var controller = new Controller<string>(
            queue,
            (_, _) => Task.FromResult(Interlocked.Increment(ref passes) == 1 ? ReconcileResult.After(TimeSpan.FromSeconds(5)) : ReconcileResult.Done),
            concurrency: 1,
            NullLogger.Instance);
        var run = controller.RunAsync(stop.Token);

        // The first pass asks to look again in 5 s; an event wakes a second pass first, which needs no recheck.
        queue.Add("demo/a");
        await Eventually.TrueAsync(() => queue.WaitingCount == 1 && queue.ProcessingCount == 0, "a recheck scheduled", ct);
        queue.Add("demo/a");
        await Eventually.TrueAsync(() => Volatile.Read(ref passes) == 2 && queue.ProcessingCount == 0, "the second pass", ct);

        Assert.Equal(0, queue.WaitingCount);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, queue.Depth);
        Assert.Equal(2, Volatile.Read(ref passes));
        await stop.CancelAsync();
        await run;
    }

    private static void Drain(WorkQueue<string> queue)
    {
        while (queue.Depth > 0)
        {
            var key = queue.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
            queue.Done(key);
        }
    }
}
