namespace TinyImage.Kube;

/// <summary>What an informer watches and how it recovers.</summary>
public sealed record InformerOptions
{
    /// <summary>Namespaces to watch, one list+watch loop each; empty means cluster-wide.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>A label selector for the list and the watch (owned kinds: <c>app.kubernetes.io/managed-by=...</c>).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Every cached object is handed to the handlers again this often; zero turns resync off.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The server ends each watch after this long (timeoutSeconds); the informer resumes from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>The first delay after an error; doubles per consecutive error.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay after errors.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);
}
