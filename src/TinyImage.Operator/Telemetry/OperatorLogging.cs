using Microsoft.Extensions.Logging;

namespace TinyImage.Operator.Telemetry;

/// <summary>The run verb's logger: single-line JSON with UTC timestamps by default, plain single lines for humans.</summary>
internal static class OperatorLogging
{
    public static ILoggerFactory Create(bool json, LogLevel level) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        if (json)
        {
            builder.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
            return;
        }

        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
    });
}
