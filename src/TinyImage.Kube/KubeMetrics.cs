using System.Diagnostics.Metrics;

namespace TinyImage.Kube;

/// <summary>
/// The controller runtime's own metrics: one <see cref="Meter"/> named <see cref="MeterName"/> for the work queues
/// (wait latency, depth). Whoever exports metrics listens to this meter beside its own; the instrument names are the
/// ones dashboards and the documentation already use.
/// </summary>
public static class KubeMetrics
{
    private static readonly Meter Meter = new("TinyImage.Kube", "0.1.0");
    private static readonly Lock Gate = new();
    private static readonly List<Func<int>> QueueDepths = [];

    /// <summary>
    /// The meter's name. A property, not a constant: whoever asks for the name to listen to it also creates the
    /// instruments, so an exporter sees them (the depth gauge included) before the first queue exists.
    /// </summary>
    public static string MeterName => Meter.Name;

    /// <summary>Time a key waited in a work queue before a worker took it.</summary>
    public static readonly Histogram<double> QueueLatency = Meter.CreateHistogram<double>("tinyimage_workqueue_latency_seconds", "s", "Time a key waited in the work queue before a worker took it.");

    private static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge("tinyimage_workqueue_depth", ObserveQueueDepth, description: "Keys ready for a worker.");

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

    private static int ObserveQueueDepth()
    {
        lock (Gate)
        {
            return QueueDepths.Sum(d => d());
        }
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
