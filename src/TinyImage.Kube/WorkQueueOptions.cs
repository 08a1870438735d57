namespace TinyImage.Kube;

/// <summary>Per-key retry backoff and observation hooks of a <see cref="WorkQueue{TKey}"/>.</summary>
public sealed record WorkQueueOptions
{
    /// <summary>The delay after a key's first failure; doubles per consecutive failure.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay after failures. Keys are retried forever, never dropped.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Called with the time a key waited in the queue, each time a worker takes it.</summary>
    public Action<TimeSpan>? OnQueueLatency { get; init; }

    /// <summary>Called with the time a worker held a key, each time it is done.</summary>
    public Action<TimeSpan>? OnWorkDuration { get; init; }
}
