namespace TinyImage.Kube;

/// <summary>
/// A deduplicating work queue in the manner of client-go: a key added many times while waiting is queued once; a key
/// a worker holds is never handed to a second worker (adds while processing mark it dirty and requeue it at
/// <see cref="Done"/>). Adds can be delayed (<see cref="AddAfter"/>, earliest wins) or rate-limited per key
/// (exponential backoff with a cap, until <see cref="Forget"/>). Time comes from a <see cref="TimeProvider"/>.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<TKey> queue = new();
    private readonly HashSet<TKey> dirty = [];
    private readonly Dictionary<TKey, long> processing = [];
    private readonly Dictionary<TKey, long> enqueuedAt = [];
    private readonly Dictionary<TKey, int> failures = [];
    private readonly Dictionary<TKey, Waiting> waiting = [];
    private readonly SemaphoreSlim available = new(0);
    private readonly WorkQueueOptions options;
    private readonly TimeProvider time;
    private bool disposed;

    public WorkQueue(WorkQueueOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
    }

    /// <summary>Keys ready for a worker.</summary>
    public int Depth
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Keys scheduled for later (AddAfter or backoff).</summary>
    public int WaitingCount
    {
        get
        {
            lock (gate)
            {
                return waiting.Count;
            }
        }
    }

    /// <summary>Keys workers hold right now.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (gate)
            {
                return processing.Count;
            }
        }
    }

    /// <summary>Queues a key unless it is already waiting for a worker.</summary>
    public void Add(TKey key)
    {
        lock (gate)
        {
            if (disposed || !dirty.Add(key))
            {
                return;
            }

            enqueuedAt.TryAdd(key, time.GetTimestamp());
            if (processing.ContainsKey(key))
            {
                return; // re-queued by Done
            }

            queue.Enqueue(key);
        }

        available.Release();
    }

    /// <summary>Queues a key after a delay. An earlier schedule for the same key wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var due = time.GetUtcNow() + delay;
            if (waiting.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var entry = new Waiting(due);
            entry.Timer = time.CreateTimer(_ => Fire(key, entry), null, delay, Timeout.InfiniteTimeSpan);
            waiting[key] = entry;
        }
    }

    /// <summary>Drops a delayed add of a key (a recheck an earlier pass asked for); a key already queued stays queued.</summary>
    public void CancelAfter(TKey key)
    {
        lock (gate)
        {
            if (waiting.Remove(key, out var entry))
            {
                entry.Timer.Dispose();
            }
        }
    }

    /// <summary>Queues a key after its backoff: initial, 2x, 4x, ... up to the cap. Counts a failure.</summary>
    public void AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (gate)
        {
            var count = failures.GetValueOrDefault(key);
            failures[key] = count + 1;
            delay = Backoff.Delay(count, options.BackoffInitial, options.BackoffMax);
        }

        AddAfter(key, delay);
    }

    /// <summary>Resets a key's failure count (after a success).</summary>
    public void Forget(TKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    /// <summary>Failures counted for a key since the last <see cref="Forget"/>.</summary>
    public int NumRequeues(TKey key)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Waits for a key and marks it as being processed; call <see cref="Done"/> afterwards.</summary>
    public async Task<TKey> GetAsync(CancellationToken cancellationToken)
    {
        await available.WaitAsync(cancellationToken).ConfigureAwait(false);
        TKey key;
        TimeSpan latency;
        lock (gate)
        {
            key = queue.Dequeue();
            dirty.Remove(key);
            processing[key] = time.GetTimestamp();
            latency = enqueuedAt.Remove(key, out var since) ? time.GetElapsedTime(since) : TimeSpan.Zero;
        }

        KubeMetrics.QueueLatency.Record(latency.TotalSeconds);
        options.OnQueueLatency?.Invoke(latency);
        return key;
    }

    /// <summary>Ends processing of a key; if it was added meanwhile, it is queued again.</summary>
    public void Done(TKey key)
    {
        bool requeue;
        TimeSpan duration;
        lock (gate)
        {
            duration = processing.Remove(key, out var since) ? time.GetElapsedTime(since) : TimeSpan.Zero;
            requeue = dirty.Contains(key) && !disposed;
            if (requeue)
            {
                queue.Enqueue(key);
            }
        }

        options.OnWorkDuration?.Invoke(duration);
        if (requeue)
        {
            available.Release();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            foreach (var entry in waiting.Values)
            {
                entry.Timer.Dispose();
            }

            waiting.Clear();
        }
    }

    private void Fire(TKey key, Waiting entry)
    {
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            waiting.Remove(key);
            entry.Timer.Dispose();
        }

        Add(key);
    }

    private sealed class Waiting(DateTimeOffset due)
    {
        public DateTimeOffset Due { get; } = due;

        public ITimer Timer { get; set; } = null!;
    }
}
