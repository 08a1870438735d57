using System.Diagnostics;

namespace TinyImage.Operator.Telemetry;

/// <summary>The operator's traces: one <see cref="ActivitySource"/>; a <c>reconcile</c> activity per pass with child spans per step.</summary>
internal static class OperatorTracing
{
    public const string SourceName = "TinyImage.Operator";

    public static ActivitySource Source { get; } = new(SourceName, "0.1.0");

    /// <summary>A child span of the current reconcile (null when nobody listens).</summary>
    public static Activity? Step(string name) => Source.StartActivity(name);
}
