using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// The process's advisory database refresher, when <c>--advisory-db</c> is set: the metrics' gauges and the default
/// <c>/readyz</c> detail read it. Static like the instruments, so the verifier's factory needs no plumbing to telemetry.
/// </summary>
internal static class AdvisoryDatabaseStatus
{
    private static AdvisoryDatabaseRefresher? current;

    /// <summary>The registered refresher, or null.</summary>
    public static AdvisoryDatabaseRefresher? Current => Volatile.Read(ref current);

    /// <summary>Registers the refresher the operator runs.</summary>
    public static void Register(AdvisoryDatabaseRefresher refresher) => Volatile.Write(ref current, refresher);
}
