namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// A controller work queue: a key is queued at most once until it is taken; <see cref="AddAfter"/> and <see cref="AddAt"/> use the emulator's
/// TimeProvider, so a FakeTimeProvider's Advance fires the progress-deadline and minReadySeconds resyncs. As client-go's
/// delaying queue (util/workqueue/delaying_queue.go <c>insert</c>), a key waits at most once: a later time asked while it
/// waits is dropped, an earlier one moves its wait forward.
/// </summary>
internal sealed class WorkQueue(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer, object Token)> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);

    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_queued.Add(key))
            {
                return;
            }

            _order.Enqueue(key);
        }

        _signal.Release();
    }

    /// <summary>How far the clock may move while a timer is made before the timer is made again (see <see cref="AddAt"/>).</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(1);

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        AddAt(key, time.GetUtcNow() + delay);
    }

    /// <summary>
    /// Queues <paramref name="key"/> once the clock reaches <paramref name="due"/> (at once if it has). A controller that
    /// decided on a deadline from one reading of the clock passes that deadline, not a delay: a clock that moved
    /// meanwhile (a test's <c>FakeTimeProvider.Advance</c> between the decision and this call) would otherwise push the
    /// wait past the deadline by as much as it moved.
    /// </summary>
    public void AddAt(string key, DateTimeOffset due)
    {
        var now = false;
        lock (_gate)
        {
            if (_waiting.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                {
                    return;
                }

                pending.Timer.Dispose();
                _waiting.Remove(key);
            }

            var token = new object();
            for (var attempt = 1; ; attempt++)
            {
                var reading = time.GetUtcNow();
                if (due <= reading)
                {
                    now = true;
                    break;
                }

                var timer = time.CreateTimer(_ => Fire(key, token), null, due - reading, Timeout.InfiniteTimeSpan);

                // A timer counts its delay from the clock as it reads while the timer is made. If a test advanced the
                // clock in between, the timer would end that much late: make it again from the new reading. A real
                // clock moves by microseconds here, which is kept (and the attempts are bounded whatever the clock does).
                if (time.GetUtcNow() - reading <= ClockSlack || attempt == 3)
                {
                    _waiting[key] = (due, timer, token);
                    break;
                }

                timer.Dispose();
            }
        }

        if (now)
        {
            Add(key);
        }
    }

    /// <summary>How many keys are queued (not yet taken).</summary>
    internal int Length
    {
        get
        {
            lock (_gate)
            {
                return _order.Count;
            }
        }
    }

    private void Fire(string key, object token)
    {
        lock (_gate)
        {
            // A wait replaced by an earlier one (its timer disposed while this callback ran) adds nothing.
            if (!_waiting.TryGetValue(key, out var waiting) || waiting.Token != token)
            {
                return;
            }

            _waiting.Remove(key);
            waiting.Timer.Dispose();
        }

        Add(key);
    }

    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(cancellationToken);
        lock (_gate)
        {
            var key = _order.Dequeue();
            _queued.Remove(key);
            return key;
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            foreach (var (_, timer, _) in _waiting.Values)
            {
                timer.Dispose();
            }

            _waiting.Clear();
        }
    }
}
