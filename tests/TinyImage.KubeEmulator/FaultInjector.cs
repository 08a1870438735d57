namespace TinyImage.KubeEmulator;

/// <summary>Which requests a fault applies to; null fields match anything.</summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete, deletecollection.</param>
/// <param name="Resource">Plural resource name, e.g. <c>configmaps</c>.</param>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Object name.</param>
/// <param name="Subresource">Subresource, e.g. <c>status</c>; the empty string matches only the main resource.</param>
public sealed record RequestMatch(string? Verb = null, string? Resource = null, string? Namespace = null, string? Name = null, string? Subresource = null)
{
    /// <summary>Matches every resource request.</summary>
    public static RequestMatch Any { get; } = new();

    internal bool Matches(RecordedRequest r) =>
        r.Resource is not null
        && (Verb is null || Verb == r.Verb)
        && (Resource is null || Resource == r.Resource)
        && (Namespace is null || Namespace == r.Namespace)
        && (Name is null || Name == r.Name)
        && (Subresource is null || Subresource == (r.Subresource ?? ""));
}

/// <summary>
/// Faults a test switches on at run time: failing requests, latency, closed watch streams and a
/// shrunken watch history (so resumed watches get 410 Expired).
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FailureRule> _failures = [];
    private readonly List<(RequestMatch Match, TimeSpan Delay)> _latencies = [];
    private readonly ObjectStore _store;
    private readonly Random _random;

    internal FaultInjector(ObjectStore store, int seed)
    {
        _store = store;
        _random = new Random(seed);
    }

    /// <summary>Every open watch stream ends after this many events (null: never). Reconnecting clients get fresh streams.</summary>
    public int? CloseWatchesEveryEvents { get; set; }

    /// <summary>How many requests have been failed on purpose so far.</summary>
    public int InjectedFailures { get; private set; }

    /// <summary>Ends every open watch stream now (a clean end of the HTTP response, as on an API-server restart).</summary>
    /// <returns>How many streams were closed.</returns>
    public int CloseAllWatches()
    {
        var watchers = _store.Watchers;
        foreach (var w in watchers)
        {
            w.Close();
        }

        return watchers.Count;
    }

    /// <summary>Answers the next <paramref name="count"/> requests matching <paramref name="match"/> with <paramref name="statusCode"/> (409, 429, 500, ...).</summary>
    public void FailNext(int count, int statusCode, RequestMatch? match = null, string? message = null)
    {
        lock (_gate)
        {
            _failures.Add(new FailureRule(match ?? RequestMatch.Any, statusCode, count, 1.0, message));
        }
    }

    /// <summary>Answers each matching request with <paramref name="statusCode"/> with probability <paramref name="probability"/> (seeded, repeatable).</summary>
    public void FailWithProbability(double probability, int statusCode, RequestMatch? match = null, string? message = null)
    {
        lock (_gate)
        {
            _failures.Add(new FailureRule(match ?? RequestMatch.Any, statusCode, null, probability, message));
        }
    }

    /// <summary>Delays every matching request by <paramref name="delay"/> before answering it.</summary>
    public void AddLatency(TimeSpan delay, RequestMatch? match = null)
    {
        lock (_gate)
        {
            _latencies.Add((match ?? RequestMatch.Any, delay));
        }
    }

    /// <summary>Keeps only the newest <paramref name="events"/> watch events: resuming from an older resourceVersion gets 410 Expired.</summary>
    public void ShrinkWatchHistory(int events) => _store.SetHistoryCapacity(events);

    /// <summary>Forgets the whole watch history now: resuming from any earlier resourceVersion gets 410 Expired.</summary>
    public void CompactWatchHistory() => _store.CompactHistory();

    /// <summary>Removes all failure and latency rules and stops closing watches.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _failures.Clear();
            _latencies.Clear();
            CloseWatchesEveryEvents = null;
        }
    }

    internal (int Code, string Message)? NextFailure(RecordedRequest request)
    {
        lock (_gate)
        {
            foreach (var rule in _failures)
            {
                if (!rule.Match.Matches(request) || rule.Remaining is <= 0)
                {
                    continue;
                }

                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (rule.Remaining is { } left)
                {
                    rule.Remaining = left - 1;
                }

                InjectedFailures++;
                return (rule.StatusCode, rule.Message ?? $"injected fault: {rule.StatusCode} for {request.Verb} {request.Resource}");
            }

            _failures.RemoveAll(r => r.Remaining is <= 0);
            return null;
        }
    }

    internal TimeSpan LatencyFor(RecordedRequest request)
    {
        lock (_gate)
        {
            var total = TimeSpan.Zero;
            foreach (var (match, delay) in _latencies)
            {
                if (match.Matches(request))
                {
                    total += delay;
                }
            }

            return total;
        }
    }

    private sealed class FailureRule(RequestMatch match, int statusCode, int? remaining, double probability, string? message)
    {
        public RequestMatch Match { get; } = match;

        public int StatusCode { get; } = statusCode;

        public int? Remaining { get; set; } = remaining;

        public double Probability { get; } = probability;

        public string? Message { get; } = message;
    }
}
