using System.Diagnostics.Metrics;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// The operator's metrics: one <see cref="Meter"/> named <see cref="MeterName"/>, read by the Prometheus endpoint
/// (<see cref="PrometheusCollector"/>) and, when configured, the OTLP exporter. Instruments are static so the steps that
/// count things need no plumbing; gauges read the sources registered with <see cref="TrackQueueDepth"/> and
/// <see cref="RecordVerifiedImageSize"/>.
/// </summary>
internal static class OperatorMetrics
{
    public const string MeterName = "TinyImage.Operator";

    public const string ResultSuccess = "success";
    public const string ResultError = "error";
    public const string ResultRequeue = "requeue";

    private static readonly Meter Meter = new(MeterName, "0.1.0");
    private static readonly Lock Gate = new();
    private static readonly List<Func<int>> QueueDepths = [];
    private static long lastVerifiedImageSize = -1;

    public static readonly Counter<long> ReconcileTotal = Meter.CreateCounter<long>("tinyimage_reconcile_total", description: "Reconcile passes by result (success, error, requeue).");

    public static readonly Counter<long> ReconcileErrors = Meter.CreateCounter<long>("tinyimage_reconcile_errors_total", description: "Reconcile passes that threw.");

    public static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram<double>("tinyimage_reconcile_duration_seconds", "s", "Duration of a reconcile pass by result.");

    public static readonly Histogram<double> QueueLatency = Meter.CreateHistogram<double>("tinyimage_workqueue_latency_seconds", "s", "Time a key waited in the work queue before a worker took it.");

    public static readonly Counter<long> BuildsStarted = Meter.CreateCounter<long>("tinyimage_builds_started_total", description: "Kaniko build Jobs created.");

    public static readonly Counter<long> BuildsSucceeded = Meter.CreateCounter<long>("tinyimage_builds_succeeded_total", description: "Build Jobs seen to complete with a digest.");

    public static readonly Counter<long> BuildsFailed = Meter.CreateCounter<long>("tinyimage_builds_failed_total", description: "Build Jobs seen to fail.");

    public static readonly Histogram<double> BuildDuration = Meter.CreateHistogram<double>("tinyimage_build_duration_seconds", "s", "Duration of finished build Jobs, start to completion.");

    public static readonly Counter<long> Verifications = Meter.CreateCounter<long>("tinyimage_verifications_total", description: "Image verifications by reason.");

    private static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge("tinyimage_workqueue_depth", ObserveQueueDepth, description: "Keys ready for a worker.");

    private static readonly ObservableGauge<long> LastVerifiedSize = Meter.CreateObservableGauge("tinyimage_last_verified_image_size_bytes", ObserveLastVerifiedSize, "By", "Compressed size of the image verified last.");

    /// <summary>Histogram bucket bounds (seconds) the Prometheus endpoint uses: quick passes up to long builds.</summary>
    public static IReadOnlyList<double> Buckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>Adds a queue to the depth gauge until the returned handle is disposed.</summary>
    public static IDisposable TrackQueueDepth(Func<int> depth)
    {
        lock (Gate)
        {
            QueueDepths.Add(depth);
        }

        return new Registration(() =>
        {
            lock (Gate)
            {
                QueueDepths.Remove(depth);
            }
        });
    }

    public static void RecordVerifiedImageSize(long bytes) => Interlocked.Exchange(ref lastVerifiedImageSize, bytes);

    private static int ObserveQueueDepth()
    {
        lock (Gate)
        {
            return QueueDepths.Sum(d => d());
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLastVerifiedSize()
    {
        var size = Interlocked.Read(ref lastVerifiedImageSize);
        return size < 0 ? [] : [new Measurement<long>(size)];
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
