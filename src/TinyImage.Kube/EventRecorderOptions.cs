namespace TinyImage.Kube;

/// <summary>Who reports events, and how often.</summary>
public sealed record EventRecorderOptions
{
    /// <summary>reportingController, e.g. <c>tinyimage.dev/operator</c>.</summary>
    public required string Controller { get; init; }

    /// <summary>reportingInstance: this replica.</summary>
    public required string Instance { get; init; }

    /// <summary>The same reason and note on the same object within this window update one event's series instead of creating another.</summary>
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A repeated event's series is written at most this often; counts in between are carried to the next write.</summary>
    public TimeSpan SeriesUpdateInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Events per object in a burst.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>One more event per object becomes available this often.</summary>
    public TimeSpan RefillInterval { get; init; } = TimeSpan.FromMinutes(1);
}
