using System.Collections.Concurrent;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Decides when a status write that only reports progress may wait: status is written when a person would look, so a
/// phase that ends within <c>delay</c> costs no write of its own. Only the Verifying and Deploying phases of a generation
/// (and retry token) the status already acknowledges wait, for <c>delay</c> counted from the first of them; a new spec, a retry, a failure and Ready are written at once. The
/// time a phase began is remembered in memory only to hold a write back: an operator that restarts writes at once.
/// A progress write is the first thing a busy operator sheds (issue 17): while <c>busy</c> says the work queue holds a
/// backlog, a phase that has lasted <c>delay</c> waits up to <see cref="BusyFactor"/> times as long, since most phases
/// then last only as long as their TinyImage's turn in the queue, and the write (and its watch event) would take a turn
/// from every other TinyImage. The phase's end wakes its TinyImage anyway; the write happens only if it still lasts.
/// </summary>
internal sealed class ProgressWrites(TimeSpan delay, Func<bool>? busy = null)
{
    /// <summary>How many times <c>delay</c> a phase may last unreported while the operator is busy.</summary>
    public const int BusyFactor = 10;

    private readonly ConcurrentDictionary<ObjectKey, DateTimeOffset> progressSince = new();

    /// <summary>The delay after which a phase that still lasts is written (for the verify step's progress).</summary>
    public TimeSpan Delay => delay;

    /// <summary>
    /// How long the write of <paramref name="draft"/> may wait (requeue the key then), or null to write it now.
    /// </summary>
    public TimeSpan? Defer(ObjectKey key, TinyImageStatus? stored, TinyImageStatus draft, long? generation, DateTimeOffset now)
    {
        if (delay <= TimeSpan.Zero
            || draft.Phase is not (Phases.Verifying or Phases.Deploying)
            || stored is null
            || stored.Phase == draft.Phase
            || stored.ObservedGeneration != generation
            || stored.LastHandledRetry != draft.LastHandledRetry)
        {
            progressSince.TryRemove(key, out _);
            return null;
        }

        var since = progressSince.GetOrAdd(key, now);
        var left = since + delay - now;
        if (left <= TimeSpan.Zero && busy?.Invoke() == true)
        {
            left = since + (delay * BusyFactor) - now;
        }

        if (left <= TimeSpan.Zero)
        {
            progressSince.TryRemove(key, out _);
            return null;
        }

        return left;
    }

    /// <summary>Forgets a TinyImage that is gone.</summary>
    public void Forget(ObjectKey key) => progressSince.TryRemove(key, out _);
}
