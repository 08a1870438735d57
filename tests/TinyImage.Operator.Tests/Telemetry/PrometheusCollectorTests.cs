using System.Diagnostics.Metrics;
using TinyImage.Operator.Telemetry;
using Xunit;

namespace TinyImage.Operator.Tests.Telemetry;

public sealed class PrometheusCollectorTests
{
    private static string NewMeterName() => "test.meter." + Guid.NewGuid().ToString("N");

    [Fact]
    public void A_Counter_Is_Summed_Per_Label_Set_With_Type_And_Help()
    {
        var name = NewMeterName();
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [1.0]);
        var counter = meter.CreateCounter<long>("demo_requests_total", description: "Requests served.");

        counter.Add(2, new KeyValuePair<string, object?>("result", "success"));
        counter.Add(3, new KeyValuePair<string, object?>("result", "success"));
        counter.Add(1, new KeyValuePair<string, object?>("result", "error"));
        counter.Add(4);

        var lines = collector.Scrape().Split('\n');
        Assert.Contains("# HELP demo_requests_total Requests served.", lines);
        Assert.Contains("# TYPE demo_requests_total counter", lines);
        Assert.Contains("demo_requests_total 4", lines);
        Assert.Contains("demo_requests_total{result=\"success\"} 5", lines);
        Assert.Contains("demo_requests_total{result=\"error\"} 1", lines);
    }

    [Fact]
    public void A_Histogram_Has_Cumulative_Buckets_An_Inf_Bucket_Sum_And_Count()
    {
        var name = NewMeterName();
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [0.1, 1, 10]);
        var histogram = meter.CreateHistogram<double>("demo_duration_seconds");
        var tag = new KeyValuePair<string, object?>("result", "ok");

        foreach (var value in new[] { 0.05, 0.5, 0.7, 5, 50 })
        {
            histogram.Record(value, tag);
        }

        var lines = collector.Scrape().Split('\n');
        Assert.Contains("# TYPE demo_duration_seconds histogram", lines);
        Assert.Contains("demo_duration_seconds_bucket{result=\"ok\",le=\"0.1\"} 1", lines);
        Assert.Contains("demo_duration_seconds_bucket{result=\"ok\",le=\"1\"} 3", lines);
        Assert.Contains("demo_duration_seconds_bucket{result=\"ok\",le=\"10\"} 4", lines);
        Assert.Contains("demo_duration_seconds_bucket{result=\"ok\",le=\"+Inf\"} 5", lines);
        Assert.Contains("demo_duration_seconds_sum{result=\"ok\"} 56.25", lines);
        Assert.Contains("demo_duration_seconds_count{result=\"ok\"} 5", lines);
    }

    [Fact]
    public void An_Observable_Gauge_Is_Read_At_Each_Scrape()
    {
        var name = NewMeterName();
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [1.0]);
        var depth = 3;
        meter.CreateObservableGauge("demo_queue_depth", () => depth);

        Assert.Contains("demo_queue_depth 3", collector.Scrape().Split('\n'));
        depth = 7;
        var lines = collector.Scrape().Split('\n');
        Assert.Contains("# TYPE demo_queue_depth gauge", lines);
        Assert.Contains("demo_queue_depth 7", lines);
    }

    [Fact]
    public void Label_Values_Escape_Backslash_Quote_And_Newline_And_Names_Are_Sanitized()
    {
        var name = NewMeterName();
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [1.0]);
        meter.CreateCounter<long>("demo.odd-name").Add(1, new KeyValuePair<string, object?>("why.not", "a\\b \"c\"\nd"));

        Assert.Contains("demo_odd_name{why_not=\"a\\\\b \\\"c\\\"\\nd\"} 1", collector.Scrape().Split('\n'));
    }

    [Fact]
    public void Labels_Are_Sorted_By_Name_Whatever_Order_The_Tags_Come_In_And_Each_Order_Is_One_Series()
    {
        var name = NewMeterName();
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [1.0]);
        var counter = meter.CreateCounter<long>("demo.calls");
        counter.Add(1, new KeyValuePair<string, object?>("verb", "get"), new KeyValuePair<string, object?>("code", 200), new KeyValuePair<string, object?>("a.resource", "pods"));
        counter.Add(2, new KeyValuePair<string, object?>("a.resource", "pods"), new KeyValuePair<string, object?>("verb", "get"), new KeyValuePair<string, object?>("code", 200));
        counter.Add(4, new KeyValuePair<string, object?>("code", 404), new KeyValuePair<string, object?>("verb", "get"));

        var lines = collector.Scrape().Split('\n');

        Assert.Contains("demo_calls{a_resource=\"pods\",code=\"200\",verb=\"get\"} 3", lines);
        Assert.Contains("demo_calls{code=\"404\",verb=\"get\"} 4", lines);
    }

    [Fact]
    public void Meters_Not_Asked_For_Are_Not_Exposed()
    {
        var name = NewMeterName();
        var other = NewMeterName();
        using var meter = new Meter(other);
        using var collector = new PrometheusCollector([name], [1.0]);
        meter.CreateCounter<long>("other_total").Add(1);

        Assert.DoesNotContain("other_total", collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_Operator_Collector_Exposes_Every_Operator_Metric_Name()
    {
        using var collector = PrometheusCollector.ForOperator();

        var text = collector.Scrape();

        foreach (var metric in new[]
        {
            "tinyimage_reconcile_total", "tinyimage_reconcile_errors_total", "tinyimage_reconcile_duration_seconds",
            "tinyimage_workqueue_depth", "tinyimage_workqueue_latency_seconds", "tinyimage_builds_started_total",
            "tinyimage_builds_succeeded_total", "tinyimage_builds_failed_total", "tinyimage_build_duration_seconds",
            "tinyimage_verifications_total", "tinyimage_last_verified_image_size_bytes",
            "tinyimage_advisory_db_refresh_failures_total",
        })
        {
            Assert.Contains("# TYPE " + metric + " ", text, StringComparison.Ordinal);
        }
    }
}
