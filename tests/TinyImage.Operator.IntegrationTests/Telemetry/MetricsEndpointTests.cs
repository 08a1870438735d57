using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.KubeEmulator;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Operator.Telemetry;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Telemetry;

/// <summary>One TinyImage reconciled against the emulator, then its metrics and readiness read over HTTP.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task After_A_TinyImage_Is_Built_And_Verified_Metrics_Count_It_And_Readyz_Is_Ok()
    {
        var token = TestContext.Current.CancellationToken;
        using var collector = PrometheusCollector.ForOperator();
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('e') + "\n");
        h.CreateSource();
        var op = h.StartOperator();
        await using var server = HealthServer.Start(0, collector, op.Host.Readiness, NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = server.LocalAddress };

        h.CreateTinyImage("metered");
        await h.WaitForPhaseAsync("metered", "Deploying");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", token)).StatusCode);
        var text = await http.GetStringAsync("/metrics", token);
        foreach (var metric in new[]
        {
            "tinyimage_reconcile_total", "tinyimage_reconcile_errors_total", "tinyimage_reconcile_duration_seconds",
            "tinyimage_workqueue_depth", "tinyimage_workqueue_latency_seconds", "tinyimage_builds_started_total",
            "tinyimage_builds_succeeded_total", "tinyimage_builds_failed_total", "tinyimage_build_duration_seconds",
            "tinyimage_verifications_total", "tinyimage_last_verified_image_size_bytes",
        })
        {
            Assert.Contains("# TYPE " + metric + " ", text, StringComparison.Ordinal);
        }

        var samples = Samples(text);
        Assert.True(Sum(samples, "tinyimage_reconcile_total{") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_reconcile_duration_seconds_count{") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_builds_started_total") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_builds_succeeded_total") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_workqueue_latency_seconds_count") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_verifications_total{reason=\"Verified\"}") >= 1, text);
        Assert.True(Sum(samples, "tinyimage_last_verified_image_size_bytes") > 0, text);
        Assert.True(Sum(samples, "tinyimage_workqueue_depth") >= 0, text);
        await op.StopAsync();
    }

    private static List<(string Series, double Value)> Samples(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => (Series: l[..l.LastIndexOf(' ')], Value: double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))];

    private static double Sum(List<(string Series, double Value)> samples, string prefix)
    {
        var matching = samples.Where(s => s.Series == prefix || s.Series.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(matching);
        return matching.Sum(s => s.Value);
    }
}
