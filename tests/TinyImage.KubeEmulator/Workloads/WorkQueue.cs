namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// A controller work queue: a key is queued at most once until it is taken; <see cref="AddAfter"/> uses the emulator's
/// TimeProvider, so a FakeTimeProvider's Advance fires the progress-deadline and minReadySeconds resyncs.
/// </summary>
internal sealed class WorkQueue(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly HashSet<ITimer> _timers = [];
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

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            ITimer? timer = null;
            timer = time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    _timers.Remove(timer!);
                }

                timer!.Dispose();
                Add(key);
            }, null, delay, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
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
            foreach (var t in _timers)
            {
                t.Dispose();
            }

            _timers.Clear();
        }
    }
}
