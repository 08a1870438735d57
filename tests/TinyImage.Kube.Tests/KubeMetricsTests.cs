using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class KubeMetricsTests
{
    [Fact]
    public async Task A_Work_Queue_Records_Its_Latency_On_The_Kube_Meter()
    {
        var seconds = new ConcurrentBag<double>();
        using var listener = Listen((instrument, value) =>
        {
            if (instrument == "tinyimage_workqueue_latency_seconds")
            {
                seconds.Add(value);
            }
        });
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(new WorkQueueOptions(), clock);

        queue.Add("demo/a");
        clock.Advance(TimeSpan.FromSeconds(123));
        var key = await queue.GetAsync(TestContext.Current.CancellationToken);
        queue.Done(key);

        // Other tests' queues may record too; 123 s is this queue's wait.
        Assert.Contains(123d, seconds);
    }

    [Fact]
    public void A_Tracked_Queue_Counts_In_The_Depth_Gauge_Until_Its_Handle_Is_Disposed()
    {
        var depths = new ConcurrentQueue<double>();
        using var listener = Listen((instrument, value) =>
        {
            if (instrument == "tinyimage_workqueue_depth")
            {
                depths.Enqueue(value);
            }
        });

        using (KubeMetrics.TrackQueueDepth(() => 5))
        {
            listener.RecordObservableInstruments();
        }

        listener.RecordObservableInstruments();

        Assert.Equal([5d, 0d], depths);
    }

    private static MeterListener Listen(Action<string, double> record)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == KubeMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => record(instrument.Name, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => record(instrument.Name, value));
        listener.Start();
        return listener;
    }
}
