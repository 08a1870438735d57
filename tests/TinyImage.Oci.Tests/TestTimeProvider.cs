namespace TinyImage.Oci.Tests;

/// <summary>
/// A clock for tests: time moves only when <see cref="Advance"/> is called or a delay is created. Every delay
/// (<c>Task.Delay</c>) fires at once (advancing the clock by its due time) and its due time is recorded, so backoff delays
/// are observable without waiting. Timeouts (a <see cref="CancellationTokenSource"/> on this clock) are different: they
/// fire only when <see cref="Advance"/> moves the clock past them, so a test decides when a deadline passes.
/// </summary>
internal sealed class TestTimeProvider : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<(DateTimeOffset Due, TimerCallback Callback, object? State)> timeouts = [];
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Timeouts created and not yet fired.</summary>
    public int PendingTimeouts
    {
        get
        {
            lock (gate)
            {
                return timeouts.Count;
            }
        }
    }

    public List<TimeSpan> Delays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public void Advance(TimeSpan by)
    {
        List<(DateTimeOffset Due, TimerCallback Callback, object? State)> due;
        lock (gate)
        {
            now += by;
            due = [.. timeouts.Where(t => t.Due <= now)];
            timeouts.RemoveAll(t => t.Due <= now);
        }

        foreach (var (_, callback, state) in due)
        {
            callback(state);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (state is CancellationTokenSource && dueTime != Timeout.InfiniteTimeSpan)
        {
            var entry = (now + dueTime, callback, state);
            lock (gate)
            {
                entry.Item1 = now + dueTime;
                timeouts.Add(entry);
            }

            return new CancelOnDispose(() =>
            {
                lock (gate)
                {
                    timeouts.Remove(entry);
                }
            });
        }

        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (gate)
            {
                Delays.Add(dueTime);
                now += dueTime;
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoopTimer();
    }

    /// <summary>A timeout's timer: disposing it (the token source was disposed) forgets it.</summary>
    private sealed class CancelOnDispose(Action forget) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() => forget();

        public ValueTask DisposeAsync()
        {
            forget();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoopTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
