using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Building;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The caps on concurrent builds, applied to what the informer caches hold, so a restarted operator, or a second one
/// after failover, counts the same: the running builds are the unfinished build Jobs in the Job cache, the waiting ones
/// the TinyImages whose <c>status.build.queuedTime</c> is set and whose Job does not exist yet. One decision at a time;
/// a build admitted but not yet in the Job cache holds its slot (in memory, until the cache shows its Job or the
/// reservation lapses), so two workers never both take the last slot.
/// </summary>
internal sealed class BuildSlots(BuildCaps caps, ClusterView cluster, TimeProvider time)
{
    /// <summary>How long an admitted build holds its slot without its Job in the cache (a create that never landed).</summary>
    public static readonly TimeSpan ReservationLapse = TimeSpan.FromMinutes(2);

    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> reserved = [];

    public BuildCaps Caps => caps;

    /// <summary>Wakes a TinyImage whose waiting build may start now (the controller's queue).</summary>
    public Action<ObjectKey>? Wake { get; set; }

    /// <summary>
    /// Whether the build of <paramref name="tinyImage"/>, Job <paramref name="jobName"/>, waiting since
    /// <paramref name="since"/>, may start now. Admitted, its slot is held until its Job shows in the cache or
    /// <see cref="Release"/>. Older waiting builds that may start now too are woken.
    /// </summary>
    public BuildAdmission TryStart(ObjectKey tinyImage, string jobName, DateTimeOffset since)
    {
        if (!caps.Enabled)
        {
            return new BuildAdmission(true, null, 0, []);
        }

        BuildAdmission admission;
        lock (gate)
        {
            admission = BuildQueue.Decide(caps, Running(), Waiting(), new WaitingBuild(tinyImage, since));
            if (admission.Admitted)
            {
                reserved[new ObjectKey(tinyImage.Namespace, jobName)] = time.GetUtcNow();
            }
        }

        foreach (var other in admission.Others)
        {
            Wake?.Invoke(other);
        }

        return admission;
    }

    /// <summary>Gives back a slot whose Job was not created.</summary>
    public void Release(string? @namespace, string jobName)
    {
        lock (gate)
        {
            reserved.Remove(new ObjectKey(@namespace, jobName));
        }
    }

    /// <summary>Wakes the waiting builds that may start now (a build Job finished or went away).</summary>
    public void WakeNext()
    {
        if (!caps.Enabled || Wake is not { } wake)
        {
            return;
        }

        IReadOnlyList<ObjectKey> next;
        lock (gate)
        {
            next = BuildQueue.Next(caps, Running(), Waiting());
        }

        foreach (var key in next)
        {
            wake(key);
        }
    }

    /// <summary>
    /// The namespace of every build running or about to: unfinished build Jobs in the cache, and reservations. A Job whose
    /// build status records as failed (refused pods: the Job stays for its log until a retry) holds no slot.
    /// </summary>
    private List<string?> Running()
    {
        var failed = cluster.TinyImageCache.List()
            .Where(t => t.Status?.Build is { FailureReason: not null, JobName: not null })
            .Select(t => new ObjectKey(t.Metadata.NamespaceProperty, t.Status!.Build!.JobName!))
            .ToHashSet();
        var running = new List<string?>();
        var cached = new HashSet<ObjectKey>();
        foreach (var job in cluster.JobCache.List())
        {
            if (IsBuild(job) && !TinyImageController.JobSummary(job).Finished && !failed.Contains(ObjectKey.Of(job)))
            {
                running.Add(job.Metadata.NamespaceProperty);
            }

            cached.Add(ObjectKey.Of(job));
        }

        var now = time.GetUtcNow();
        foreach (var (key, at) in reserved.ToList())
        {
            if (cached.Contains(key) || now - at > ReservationLapse)
            {
                reserved.Remove(key);
            }
            else
            {
                running.Add(key.Namespace);
            }
        }

        return running;
    }

    private IEnumerable<WaitingBuild> Waiting()
    {
        foreach (var tinyImage in cluster.TinyImageCache.List())
        {
            var build = tinyImage.Status?.Build;
            if (tinyImage.Metadata.DeletionTimestamp is null && build is { QueuedTime: { } queued, JobName: { } job }
                && cluster.JobCache.Get(tinyImage.Metadata.NamespaceProperty, job) is null
                && !reserved.ContainsKey(new ObjectKey(tinyImage.Metadata.NamespaceProperty, job)))
            {
                yield return new WaitingBuild(ObjectKey.Of(tinyImage), Since(queued));
            }
        }
    }

    /// <summary>A status time (UTC, whatever its Kind says after a round trip) as an instant.</summary>
    public static DateTimeOffset Since(DateTime queued) => new(DateTime.SpecifyKind(queued, DateTimeKind.Utc));

    private static bool IsBuild(V1Job job) =>
        job.Metadata.Labels?.TryGetValue(Annotations.ComponentLabel, out var component) == true && component == ChildMetadata.ComponentBuild;
}
