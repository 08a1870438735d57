using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// Exports the operator's traces and metrics over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter
/// reads the standard <c>OTEL_*</c> variables itself). Without it nothing is started.
/// </summary>
internal static class OtlpExport
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The providers to dispose at shutdown, or null when OTLP is not configured.</summary>
    public static IDisposable? StartIfConfigured(Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(environment(EndpointVariable)))
        {
            return null;
        }

        var tracer = Sdk.CreateTracerProviderBuilder().AddSource(OperatorTracing.SourceName).AddOtlpExporter().Build();
        var meter = Sdk.CreateMeterProviderBuilder().AddMeter([.. OperatorMetrics.MeterNames]).AddOtlpExporter().Build();
        return new Providers(tracer, meter);
    }

    private sealed class Providers(TracerProvider? tracer, MeterProvider? meter) : IDisposable
    {
        public void Dispose()
        {
            tracer?.Dispose();
            meter?.Dispose();
        }
    }
}
