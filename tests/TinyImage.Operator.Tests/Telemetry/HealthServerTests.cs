using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Telemetry;
using Xunit;

namespace TinyImage.Operator.Tests.Telemetry;

public sealed class HealthServerTests
{
    [Fact]
    public async Task Metrics_Are_Served_In_The_Prometheus_Text_Format()
    {
        var name = "test.meter." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(name);
        using var collector = new PrometheusCollector([name], [1.0]);
        meter.CreateCounter<long>("served_total").Add(42);
        await using var server = HealthServer.Start(0, collector, new Readiness(), NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = server.LocalAddress };

        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("served_total 42\n", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_Is_Ok_And_Readyz_Follows_The_Readiness_State()
    {
        using var collector = new PrometheusCollector(["unused." + Guid.NewGuid().ToString("N")], [1.0]);
        var readiness = new Readiness();
        await using var server = HealthServer.Start(0, collector, readiness, NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = server.LocalAddress };
        var token = TestContext.Current.CancellationToken;

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", token)).StatusCode);
        var starting = await http.GetAsync("/readyz", token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
        Assert.Contains("starting", await starting.Content.ReadAsStringAsync(token), StringComparison.Ordinal);

        readiness.Syncing();
        var syncing = await http.GetAsync("/readyz", token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, syncing.StatusCode);
        Assert.Contains("not synced", await syncing.Content.ReadAsStringAsync(token), StringComparison.Ordinal);

        readiness.Synced();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", token)).StatusCode);

        readiness.Standby();
        var standby = await http.GetAsync("/readyz", token);
        Assert.Equal(HttpStatusCode.OK, standby.StatusCode);
        Assert.Contains("standby", await standby.Content.ReadAsStringAsync(token), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nope", token)).StatusCode);
    }

    [Fact]
    public async Task Readyz_Adds_The_Advisory_Database_Line_Without_Changing_Readiness()
    {
        using var collector = new PrometheusCollector(["unused." + Guid.NewGuid().ToString("N")], [1.0]);
        var readiness = new Readiness { Detail = () => "advisory database: not loaded; last refresh failed: GET answered 500" };
        readiness.Synced();
        await using var server = HealthServer.Start(0, collector, readiness, NullLogger.Instance);
        using var http = new HttpClient { BaseAddress = server.LocalAddress };
        var token = TestContext.Current.CancellationToken;

        using var response = await http.GetAsync("/readyz", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("leading: caches synced\nadvisory database: not loaded; last refresh failed: GET answered 500\n", await response.Content.ReadAsStringAsync(token));
    }
}
