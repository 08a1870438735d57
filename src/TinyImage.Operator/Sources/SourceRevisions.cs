using System.Collections.Concurrent;
using TinyImage.Kube;

namespace TinyImage.Operator.Sources;

/// <summary>
/// The commits of tracked git refs, shared by every TinyImage of the leader: each pass asks for its ref's commit
/// (subscribing with its poll interval), which is resolved once and then served from memory until a poll, a push or a
/// resolution with <c>fresh</c> replaces it. One resolution per <see cref="GitRevisionKey"/> at a time: callers that
/// wait behind one take its result. <see cref="PollDueAsync"/> resolves each key whose time has come, at the shortest
/// interval among its subscribers plus up to a tenth of jitter, and names the subscribers whose commit moved.
/// Nothing here outlives the leadership term; a new leader resolves again on its first pass.
/// </summary>
internal sealed class SourceRevisions(GitRefResolver resolver, TimeProvider time, TimeSpan? minimumInterval = null)
{
    /// <summary>The shortest poll interval honoured in production.</summary>
    public static readonly TimeSpan DefaultMinimumInterval = TimeSpan.FromSeconds(30);

    private readonly TimeSpan minimum = minimumInterval ?? DefaultMinimumInterval;

    private readonly ConcurrentDictionary<GitRevisionKey, Tracked> tracked = new();
    private readonly ConcurrentDictionary<ObjectKey, GitRevisionKey> subscriptions = new();

    /// <summary>How many resolutions went to a git host (tests count them).</summary>
    public int Resolutions => resolutionCount;

    private int resolutionCount;

    /// <summary>The interval a spec's <c>pollIntervalSeconds</c> means: null for 0 (off), else at least the minimum (30 s).</summary>
    public TimeSpan? Interval(int seconds) =>
        seconds <= 0 ? null : TimeSpan.FromSeconds(seconds) < minimum ? minimum : TimeSpan.FromSeconds(seconds);

    /// <summary>
    /// The commit of <paramref name="key"/> for <paramref name="subscriber"/>: the one known, or resolved now when none is
    /// known or <paramref name="fresh"/> (a push arrived). Subscribes it for polling every <paramref name="interval"/>.
    /// </summary>
    public async Task<GitResolution> ResolveAsync(ObjectKey subscriber, GitRevisionKey key, GitCredential? credential, TimeSpan? interval, bool fresh, CancellationToken cancellationToken)
    {
        var entry = Subscribe(subscriber, key, credential, interval);
        if (!fresh && entry.Last is { } known)
        {
            return known;
        }

        return await ResolveNowAsync(key, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops polling for <paramref name="subscriber"/> (deleted, or no longer a git source that needs resolving).</summary>
    public void Forget(ObjectKey subscriber)
    {
        if (subscriptions.TryRemove(subscriber, out var key) && tracked.TryGetValue(key, out var entry))
        {
            lock (entry.Gate)
            {
                entry.Subscribers.Remove(subscriber);
                entry.Due = Schedule(entry, entry.ResolvedAt ?? time.GetUtcNow());
            }
        }
    }

    /// <summary>When the next poll is due (null: nothing is polled).</summary>
    public DateTimeOffset? NextPoll()
    {
        DateTimeOffset? next = null;
        foreach (var entry in tracked.Values)
        {
            lock (entry.Gate)
            {
                if (entry.Due is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
        }

        return next;
    }

    /// <summary>
    /// Resolves every key whose poll is due (each once, however many subscribe to it) and returns the subscribers of those
    /// whose commit changed. <paramref name="exists"/> drops subscribers that are gone.
    /// </summary>
    public async Task<IReadOnlyList<ObjectKey>> PollDueAsync(Func<ObjectKey, bool> exists, CancellationToken cancellationToken)
    {
        foreach (var subscriber in subscriptions.Keys)
        {
            if (!exists(subscriber))
            {
                Forget(subscriber);
            }
        }

        var now = time.GetUtcNow();
        var moved = new List<ObjectKey>();
        foreach (var (key, entry) in tracked)
        {
            string? before;
            lock (entry.Gate)
            {
                if (entry.Subscribers.Count == 0)
                {
                    tracked.TryRemove(new KeyValuePair<GitRevisionKey, Tracked>(key, entry));
                    continue;
                }

                if (entry.Due is not { } due || due > now)
                {
                    continue;
                }

                before = entry.Last?.Commit;
            }

            var result = await ResolveNowAsync(key, entry, cancellationToken).ConfigureAwait(false);
            if (result.Commit is { } commit && commit != before)
            {
                lock (entry.Gate)
                {
                    moved.AddRange(entry.Subscribers.Keys);
                }
            }
        }

        return moved;
    }

    private Tracked Subscribe(ObjectKey subscriber, GitRevisionKey key, GitCredential? credential, TimeSpan? interval)
    {
        if (subscriptions.TryGetValue(subscriber, out var previous) && previous != key)
        {
            Forget(subscriber);
        }

        subscriptions[subscriber] = key;
        var entry = tracked.GetOrAdd(key, _ => new Tracked());
        lock (entry.Gate)
        {
            entry.Credential = credential;
            entry.Subscribers[subscriber] = interval;

            entry.Due = Schedule(entry, entry.ResolvedAt ?? time.GetUtcNow());
        }

        tracked.TryAdd(key, entry);
        return entry;
    }

    private async Task<GitResolution> ResolveNowAsync(GitRevisionKey key, Tracked entry, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        await entry.Single.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GitCredential? credential;
            lock (entry.Gate)
            {
                // Someone resolved while this caller waited: take theirs.
                if (entry.ResolvedAt is { } at && at >= asked && entry.LastAttempt is { } recent)
                {
                    return recent;
                }

                credential = entry.Credential;
            }

            Interlocked.Increment(ref resolutionCount);
            var result = await resolver.ResolveAsync(key.Url, key.RefName, credential, cancellationToken).ConfigureAwait(false);
            lock (entry.Gate)
            {
                var now = time.GetUtcNow();
                entry.ResolvedAt = now;
                entry.LastAttempt = result;
                if (result.Succeeded)
                {
                    entry.Last = result;
                }

                entry.Due = Schedule(entry, now);
            }

            return result;
        }
        finally
        {
            entry.Single.Release();
        }
    }

    /// <summary>The next poll after <paramref name="from"/>: the shortest subscriber interval plus up to 10 % jitter; null when none polls.</summary>
    private static DateTimeOffset? Schedule(Tracked entry, DateTimeOffset from)
    {
        if (entry.Subscribers.Values.Where(v => v is not null).Min() is not { } interval)
        {
            return null;
        }

        return from + interval + TimeSpan.FromTicks((long)(interval.Ticks * 0.1 * Random.Shared.NextDouble()));
    }

    private sealed class Tracked
    {
        public object Gate { get; } = new();

        public SemaphoreSlim Single { get; } = new(1, 1);

        /// <summary>Every TinyImage that uses the key, with its poll interval (null: it does not poll, webhooks only).</summary>
        public Dictionary<ObjectKey, TimeSpan?> Subscribers { get; } = [];

        public GitCredential? Credential { get; set; }

        /// <summary>The last successful resolution.</summary>
        public GitResolution? Last { get; set; }

        /// <summary>The last resolution, successful or not.</summary>
        public GitResolution? LastAttempt { get; set; }

        public DateTimeOffset? ResolvedAt { get; set; }

        public DateTimeOffset? Due { get; set; }
    }
}
