using System.Diagnostics;
using System.Globalization;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// Where the first reconcile's time goes: with <c>TINYIMAGE_STARTUP_TRACE=1</c> each step of the start (arguments,
/// kubeconfig, logging, connection, cluster probe, informers, first lists, first reconcile) writes one line to stderr:
/// <c>startup-trace UNIX_MICROS MS_SINCE_MAIN STEP</c>, the Unix time letting a harness that noted when it started
/// the process place the steps after exec. Off (the default), a mark is one read of a static field.
/// </summary>
internal static class StartupTrace
{
    public const string Variable = "TINYIMAGE_STARTUP_TRACE";

    private static readonly long Origin = Stopwatch.GetTimestamp();
    private static int firstReconcile;

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(Variable) is "1" or "true";

    /// <summary>Notes a step (and the time since Main started).</summary>
    public static void Mark(string step)
    {
        if (!Enabled)
        {
            return;
        }

        var micros = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
        var sinceMain = Stopwatch.GetElapsedTime(Origin).TotalMilliseconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup-trace {micros} {sinceMain:0.000} {step}"));
    }

    /// <summary>Marks the first reconcile's start and end; later passes cost one interlocked read.</summary>
    public static Func<TKey, CancellationToken, Task<TResult>> FirstReconcile<TKey, TResult>(Func<TKey, CancellationToken, Task<TResult>> reconcile)
    {
        if (!Enabled)
        {
            return reconcile;
        }

        return async (key, token) =>
        {
            var first = Interlocked.Exchange(ref firstReconcile, 1) == 0;
            if (first)
            {
                Mark("first reconcile started");
            }

            var result = await reconcile(key, token).ConfigureAwait(false);
            if (first)
            {
                Mark("first reconcile done");
            }

            return result;
        };
    }
}
