namespace TinyImage.Kube;

/// <summary>What a reconcile pass asks of the queue.</summary>
/// <param name="RequeueAfter">Look again after this long (polling something without a watch, e.g. a missing Secret).</param>
/// <param name="Retry">A transient failure (conflict, server error): requeue with the key's backoff.</param>
public sealed record ReconcileResult(TimeSpan? RequeueAfter, bool Retry)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done { get; } = new(null, false);

    /// <summary>Retry with per-key backoff.</summary>
    public static ReconcileResult Backoff { get; } = new(null, true);

    public static ReconcileResult After(TimeSpan delay) => new(delay, false);
}
