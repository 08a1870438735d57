using System.Diagnostics.Metrics;
using TinyImage.Kube;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// The operator's metrics: one <see cref="Meter"/> named <see cref="MeterName"/>, read by the Prometheus endpoint
/// (<see cref="PrometheusCollector"/>) and, when configured, the OTLP exporter. Instruments are static so the steps that
/// count things need no plumbing; the gauge reads the size given to <see cref="RecordVerifiedImageSize"/>. The work
/// queue's metrics come from the controller runtime's own meter (<see cref="KubeMetrics"/>); <see cref="MeterNames"/>
/// names both, for every exporter.
/// </summary>
internal static class OperatorMetrics
{
    public const string MeterName = "TinyImage.Operator";

    /// <summary>The meters the operator exports: its own and the controller runtime's.</summary>
    public static IReadOnlyList<string> MeterNames { get; } = [MeterName, KubeMetrics.MeterName];

    public const string ResultSuccess = "success";
    public const string ResultError = "error";
    public const string ResultRequeue = "requeue";

    private static readonly Meter Meter = new(MeterName, "0.1.0");
    private static long lastVerifiedImageSize = -1;

    public static readonly Counter<long> ReconcileTotal = Meter.CreateCounter<long>("tinyimage_reconcile_total", description: "Reconcile passes by result (success, error, requeue).");

    public static readonly Counter<long> ReconcileErrors = Meter.CreateCounter<long>("tinyimage_reconcile_errors_total", description: "Reconcile passes that threw.");

    public static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram<double>("tinyimage_reconcile_duration_seconds", "s", "Duration of a reconcile pass by result.");

    public static readonly Counter<long> BuildsStarted = Meter.CreateCounter<long>("tinyimage_builds_started_total", description: "Kaniko build Jobs created.");

    public static readonly Counter<long> BuildsSucceeded = Meter.CreateCounter<long>("tinyimage_builds_succeeded_total", description: "Build Jobs seen to complete with a digest.");

    public static readonly Counter<long> BuildsFailed = Meter.CreateCounter<long>("tinyimage_builds_failed_total", description: "Build Jobs seen to fail.");

    public static readonly Histogram<double> BuildDuration = Meter.CreateHistogram<double>("tinyimage_build_duration_seconds", "s", "Duration of finished build Jobs, start to completion.");

    public static readonly Counter<long> Verifications = Meter.CreateCounter<long>("tinyimage_verifications_total", description: "Image verifications by reason.");

    private static readonly ObservableGauge<long> LastVerifiedSize = Meter.CreateObservableGauge("tinyimage_last_verified_image_size_bytes", ObserveLastVerifiedSize, "By", "Compressed size of the image verified last.");

    public static readonly Counter<long> AdvisoryRefreshFailures = Meter.CreateCounter<long>("tinyimage_advisory_db_refresh_failures_total", description: "Advisory database fetches or loads that failed (the last good database is kept).");

    private static readonly ObservableGauge<double> AdvisoryAge = Meter.CreateObservableGauge("tinyimage_advisory_db_age_seconds", ObserveAdvisoryAge, "s", "Seconds since the loaded advisory database was fetched or loaded.");

    private static readonly ObservableGauge<long> AdvisoryCount = Meter.CreateObservableGauge("tinyimage_advisory_db_advisories", ObserveAdvisoryCount, description: "Advisories in the loaded advisory database.");

    private static readonly ObservableGauge<long> Advisories = Meter.CreateObservableGauge("tinyimage_advisories", AdvisoryGauges.Observe, description: "Counted RustSec advisories affecting a TinyImage's serving image, by severity (from the last audit or re-audit).");

    /// <summary>Histogram bucket bounds (seconds) the Prometheus endpoint uses: quick passes up to long builds.</summary>
    public static IReadOnlyList<double> Buckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    public static void RecordVerifiedImageSize(long bytes) => Interlocked.Exchange(ref lastVerifiedImageSize, bytes);

    private static IEnumerable<Measurement<long>> ObserveLastVerifiedSize()
    {
        var size = Interlocked.Read(ref lastVerifiedImageSize);
        return size < 0 ? [] : [new Measurement<long>(size)];
    }

    private static IEnumerable<Measurement<double>> ObserveAdvisoryAge() =>
        AdvisoryDatabaseStatus.Current?.Age is { } age ? [new Measurement<double>(age.TotalSeconds)] : [];

    private static IEnumerable<Measurement<long>> ObserveAdvisoryCount() =>
        AdvisoryDatabaseStatus.Current?.Count is { } count ? [new Measurement<long>(count)] : [];
}
