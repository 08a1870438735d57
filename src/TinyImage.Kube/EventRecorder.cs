using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace TinyImage.Kube;

/// <summary>
/// Records <c>events.k8s.io/v1</c> Events about objects. Deduplicated: the same type, reason and note about the same
/// object within a window become one Event whose series count grows (written at most every interval). Rate-limited per
/// object with a token bucket. Events are best effort: a failed write is logged, never thrown. Forgetting is incremental:
/// each remembered series and bucket has one entry in a queue ordered by when it may expire, so recording an event
/// costs O(log n) in the objects remembered instead of a scan of all of them.
/// </summary>
public sealed class EventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    private readonly ResourceClient<Eventsv1Event> events;
    private readonly EventRecorderOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Recorded> recorded = [];
    private readonly Dictionary<string, Bucket> buckets = [];
    private readonly PriorityQueue<string, DateTimeOffset> recordedExpiry = new();
    private readonly PriorityQueue<string, DateTimeOffset> bucketExpiry = new();

    public EventRecorder(ResourceClient<Eventsv1Event> events, EventRecorderOptions options, TimeProvider time, ILogger logger)
    {
        this.events = events;
        this.options = options;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>Events written (created or series updated) so far.</summary>
    public int Written { get; private set; }

    /// <summary>Series and rate-limit buckets remembered now (both forgotten once idle); for tests.</summary>
    internal (int Series, int Buckets) Remembered
    {
        get
        {
            lock (gate)
            {
                return (recorded.Count, buckets.Count);
            }
        }
    }

    /// <summary>Queue entries looked at by pruning so far: grows with the entries that expire, not with every event; for tests.</summary>
    internal long PruneVisits { get; private set; }

    /// <summary>Records an event about <paramref name="regarding"/>.</summary>
    public async Task RecordAsync(V1ObjectReference regarding, string type, string reason, string action, string note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        note = Note(note);
        var dedupKey = string.Join('\u0001', regarding.Uid ?? regarding.NamespaceProperty + "/" + regarding.Name, type, reason, note);
        Recorded? repeat;
        lock (gate)
        {
            Prune(now);
            if (recorded.TryGetValue(dedupKey, out repeat))
            {
                repeat.Count++;
                repeat.LastSeen = now;
                if (now - repeat.LastWritten < options.SeriesUpdateInterval || !TakeToken(regarding, now))
                {
                    return;
                }

                repeat.LastWritten = now;
            }
            else if (!TakeToken(regarding, now))
            {
                logger.LogDebug("Event {Reason} about {Name} dropped by the rate limit", reason, regarding.Name);
                return;
            }
        }

        try
        {
            if (repeat is not null)
            {
                await UpdateSeriesAsync(repeat, now, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CreateAsync(dedupKey, regarding, type, reason, action, note, now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (KubeErrors.IsRetryable(exception))
        {
            logger.LogWarning(exception, "Could not record event {Reason} about {Namespace}/{Name}", reason, regarding.NamespaceProperty, regarding.Name);
        }
    }

    /// <summary>
    /// An Event's note within the API server's 1024 bytes (events.k8s.io validation counts UTF-8 bytes, not characters):
    /// cut on a character boundary, ending in "...".
    /// </summary>
    internal static string Note(string note)
    {
        const int max = 1024;
        if (System.Text.Encoding.UTF8.GetByteCount(note) <= max)
        {
            return note;
        }

        var (end, used) = (0, 0);
        while (end < note.Length)
        {
            var width = char.IsHighSurrogate(note[end]) && end + 1 < note.Length && char.IsLowSurrogate(note[end + 1]) ? 2 : 1;
            var bytes = System.Text.Encoding.UTF8.GetByteCount(note.AsSpan(end, width));
            if (used + bytes > max - 3)
            {
                break;
            }

            (end, used) = (end + width, used + bytes);
        }

        return note[..end] + "...";
    }

    private async Task CreateAsync(string dedupKey, V1ObjectReference regarding, string type, string reason, string action, string note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = regarding.Name + "." + now.UtcTicks.ToString("x", CultureInfo.InvariantCulture);
        var value = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = regarding.NamespaceProperty ?? "default" },
            EventTime = now.UtcDateTime,
            ReportingController = options.Controller,
            ReportingInstance = options.Instance,
            Regarding = regarding,
            Type = type,
            Reason = reason,
            Action = action,
            Note = note,
        };
        // Only the outcome is read: the server's copy of the Event is never used (issue 17).
        if (await events.CreateOutcomeAsync(value, cancellationToken).ConfigureAwait(false) == WriteOutcome.Ok)
        {
            lock (gate)
            {
                // One queue entry per remembered key: a key already remembered (a concurrent create) has its entry.
                if (!recorded.ContainsKey(dedupKey))
                {
                    recordedExpiry.Enqueue(dedupKey, now + options.DedupWindow);
                }

                recorded[dedupKey] = new Recorded(name, value.Metadata.NamespaceProperty, now);
                Written++;
            }
        }
    }

    private async Task UpdateSeriesAsync(Recorded repeat, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int count;
        lock (gate)
        {
            count = repeat.Count;
        }

        var patch = new JsonObject
        {
            ["series"] = new JsonObject
            {
                ["count"] = count,
                ["lastObservedTime"] = MicroTimeJson.Format(now.UtcDateTime),
            },
        };
        var written = await events.PatchAsync(repeat.Namespace, repeat.Name, PatchType.Merge, patch.ToJsonString(), cancellationToken).ConfigureAwait(false);
        if (written.IsOk)
        {
            lock (gate)
            {
                Written++;
            }
        }
    }

    private bool TakeToken(V1ObjectReference regarding, DateTimeOffset now)
    {
        var key = regarding.Uid ?? regarding.NamespaceProperty + "/" + regarding.Name;
        if (!buckets.TryGetValue(key, out var bucket))
        {
            buckets[key] = bucket = new Bucket(options.Burst, now);
            bucketExpiry.Enqueue(key, now + BucketIdle);
        }

        bucket.LastUsed = now;

        var refills = (int)Math.Min(options.Burst, (now - bucket.RefilledAt).Ticks / Math.Max(1, options.RefillInterval.Ticks));
        if (refills > 0)
        {
            bucket.Tokens = Math.Min(options.Burst, bucket.Tokens + refills);
            bucket.RefilledAt = now;
        }

        if (bucket.Tokens == 0)
        {
            return false;
        }

        bucket.Tokens--;
        return true;
    }

    /// <summary>
    /// How long a bucket must go unused before it is forgotten: by then it has refilled (a forgotten bucket and a full
    /// one allow the same), and a series about the object is past its dedup window.
    /// </summary>
    private TimeSpan BucketIdle => TimeSpan.FromTicks(Math.Max(options.DedupWindow.Ticks, options.Burst * options.RefillInterval.Ticks));

    /// <summary>
    /// Forgets what expired, looking only at queue entries that are due. An entry whose key was touched since it was
    /// queued is queued again at its new expiry, so every remembered key keeps exactly one entry.
    /// </summary>
    private void Prune(DateTimeOffset now)
    {
        while (recordedExpiry.TryPeek(out var key, out var due) && due < now)
        {
            recordedExpiry.Dequeue();
            PruneVisits++;
            if (recorded.TryGetValue(key, out var value))
            {
                if (now - value.LastSeen > options.DedupWindow)
                {
                    recorded.Remove(key);
                }
                else
                {
                    recordedExpiry.Enqueue(key, value.LastSeen + options.DedupWindow);
                }
            }
        }

        var idle = BucketIdle;
        while (bucketExpiry.TryPeek(out var key, out var due) && due < now)
        {
            bucketExpiry.Dequeue();
            PruneVisits++;
            if (buckets.TryGetValue(key, out var bucket))
            {
                if (now - bucket.LastUsed > idle)
                {
                    buckets.Remove(key);
                }
                else
                {
                    bucketExpiry.Enqueue(key, bucket.LastUsed + idle);
                }
            }
        }
    }

    private sealed class Recorded(string name, string @namespace, DateTimeOffset now)
    {
        public string Name { get; } = name;

        public string Namespace { get; } = @namespace;

        public int Count { get; set; } = 1;

        public DateTimeOffset LastSeen { get; set; } = now;

        public DateTimeOffset LastWritten { get; set; } = now;
    }

    private sealed class Bucket(int tokens, DateTimeOffset now)
    {
        public int Tokens { get; set; } = tokens;

        public DateTimeOffset RefilledAt { get; set; } = now;

        public DateTimeOffset LastUsed { get; set; } = now;
    }
}
