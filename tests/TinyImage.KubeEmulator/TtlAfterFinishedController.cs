using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The TTL-after-finished controller (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go): a Job with
/// <c>spec.ttlSecondsAfterFinished</c> whose Complete or Failed condition is True is deleted once the TTL has passed
/// since that condition's lastTransitionTime, on the emulator's clock. The delete is Foreground with the Job's
/// resourceVersion as precondition (a Job edited meanwhile is looked at again), so the Job stays, with a
/// deletionTimestamp and the <c>foregroundDeletion</c> finalizer, until the garbage collector has removed its pods.
/// </summary>
internal sealed class TtlAfterFinishedController : IDisposable
{
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Action<Exception> _onError;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ITimer> _timers = [];
    private bool _disposed;

    public TtlAfterFinishedController(ObjectStore store, ResourceRegistry registry, TimeProvider time, Action<Exception> onError)
    {
        _store = store;
        _registry = registry;
        _time = time;
        _onError = onError;
    }

    private ResourceType JobType => _registry.Find("batch", "v1", "jobs")!;

    /// <summary>Looks at every added or modified Job that is finished, has a TTL and is not being deleted.</summary>
    public void OnChange(StoredEvent e)
    {
        if (e.StorageKey != ("batch", "jobs") || e.Type == StoredEvent.Deleted || !NeedsCleanup(e.Object))
        {
            return;
        }

        Process(e.Namespace!, (string)e.Object["metadata"]!["name"]!);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var t in _timers.Values)
            {
                t.Dispose();
            }

            _timers.Clear();
        }
    }

    private void Process(string ns, string name)
    {
        try
        {
            var current = _store.Get(JobType, ns, name);
            if (!current.IsSuccess || !NeedsCleanup(current.ReadOnlyBody) || ExpireAt(current.ReadOnlyBody) is not { } expireAt)
            {
                return;
            }

            if (Schedule(ns, name, expireAt))
            {
                return;
            }

            var rv = (string?)current.ReadOnlyBody["metadata"]!["resourceVersion"];
            var deleted = _store.Delete(JobType, ns, name, new DeleteOptions("Foreground", PreconditionResourceVersion: rv));
            if (deleted.Code == 409)
            {
                // Modified since it was read: look again, as the controller re-reads the Job before deleting.
                Process(ns, name);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _onError(ex);
        }
    }

    /// <summary>
    /// Arms a timer for <paramref name="at"/>; false when that time has come (delete now). The clock is read again after
    /// the timer is made: a clock that moved meanwhile (a test advancing a fake clock) would leave the timer late, so it
    /// is made again from the new time.
    /// </summary>
    private bool Schedule(string ns, string name, DateTimeOffset at)
    {
        lock (_gate)
        {
            var key = ns + "/" + name;
            if (_timers.Remove(key, out var previous))
            {
                previous.Dispose();
            }

            while (!_disposed)
            {
                var before = _time.GetUtcNow();
                if (at <= before)
                {
                    return false;
                }

                var timer = _time.CreateTimer(_ => Process(ns, name), null, at - before, Timeout.InfiniteTimeSpan);
                if (_time.GetUtcNow() - before <= TimeSpan.FromMilliseconds(1))
                {
                    _timers[key] = timer;
                    return true;
                }

                timer.Dispose();
            }

            return true;
        }
    }

    private static bool NeedsCleanup(JsonObject job) =>
        job["spec"]?["ttlSecondsAfterFinished"] is not null && job["metadata"]?["deletionTimestamp"] is null && FinishCondition(job) is not null;

    private static JsonObject? FinishCondition(JsonObject job) =>
        (job["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] is "Complete" or "Failed" && (string?)c["status"] == "True");

    private static DateTimeOffset? ExpireAt(JsonObject job)
    {
        var finishedAt = (string?)FinishCondition(job)?["lastTransitionTime"];
        if (finishedAt is null || !DateTimeOffset.TryParse(finishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        return at.AddSeconds(JsonNumbers.Long(job["spec"]?["ttlSecondsAfterFinished"]) ?? 0);
    }
}
