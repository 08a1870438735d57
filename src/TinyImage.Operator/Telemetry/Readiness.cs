namespace TinyImage.Operator.Telemetry;

/// <summary>
/// What <c>/readyz</c> reports: ready when this instance leads and its informer caches have synced, or when it is a
/// healthy standby campaigning for the lease; not ready while starting or while a leader's caches sync.
/// </summary>
internal sealed class Readiness
{
    private volatile State state = new(false, "starting");

    public (bool Ready, string Reason) Current => (state.Ready, state.Reason);

    /// <summary>
    /// An informational line <c>/readyz</c> adds under the reason (the advisory database's revision and age, or its last
    /// error); it never changes readiness: a missing database must not stop reconciling.
    /// </summary>
    public Func<string?> Detail { get; set; } = static () => AdvisoryDatabaseStatus.Current?.Describe();

    public void Standby() => state = new(true, "standby: waiting for the leader lease");

    public void Syncing() => state = new(false, "leading: informer caches not synced yet");

    public void Synced() => state = new(true, "leading: caches synced");

    public void Stopped() => state = new(false, "controller stopped");

    private sealed record State(bool Ready, string Reason);
}
