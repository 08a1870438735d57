using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// Collects the measurements of the meters it is told about with a <see cref="MeterListener"/> (counters summed,
/// histograms bucketed, gauges last value) and writes them in the Prometheus text exposition format 0.0.4.
/// Observable instruments are read at each scrape.
/// </summary>
internal sealed class PrometheusCollector : IDisposable
{
    private readonly Lock gate = new();
    private readonly MeterListener listener = new();
    private readonly Dictionary<Instrument, Series> series = [];
    private readonly IReadOnlyList<double> buckets;

    public PrometheusCollector(IReadOnlyCollection<string> meterNames, IReadOnlyList<double> buckets)
    {
        this.buckets = buckets;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meterNames.Contains(instrument.Meter.Name))
            {
                lock (gate)
                {
                    series.TryAdd(instrument, new Series(instrument, KindOf(instrument)));
                }

                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    /// <summary>The operator's meters (its own and the controller runtime's) with the operator's buckets.</summary>
    public static PrometheusCollector ForOperator() => new(OperatorMetrics.MeterNames, OperatorMetrics.Buckets);

    /// <summary>All series in the text format, sorted by metric name.</summary>
    public string Scrape()
    {
        lock (gate)
        {
            // An observable instrument reports what exists now: a series it no longer reports (a deleted TinyImage) goes.
            foreach (var s in series.Values)
            {
                s.ClearIfObservable();
            }
        }

        listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (gate)
        {
            foreach (var s in series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                s.Write(text, buckets);
            }
        }

        return text.ToString();
    }

    public void Dispose() => listener.Dispose();

    /// <summary>A label value escaped for the text format: backslash, double quote and newline.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A metric or label name with characters outside <c>[a-zA-Z0-9_:]</c> replaced by <c>_</c>.</summary>
    public static string SanitizeName(string name)
    {
        if (IsSanitized(name))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c));
            chars[i] = ok ? c : '_';
        }

        return new string(chars);
    }

    /// <summary>A sample value: integers as such, +Inf/-Inf/NaN spelled the Prometheus way.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static MetricKind KindOf(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => MetricKind.Counter,
        Histogram<long> or Histogram<int> or Histogram<double> => MetricKind.Histogram,
        _ => MetricKind.Gauge,
    };

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (gate)
        {
            if (series.TryGetValue(instrument, out var s))
            {
                s.Record(labels, value, buckets);
            }
        }
    }

    /// <summary>
    /// The series key of a measurement's tags: <c>name="value"</c> pairs sorted by name (stable), comma-separated. Built
    /// without LINQ: it runs for every API request and every pass (issue 17, eighth round).
    /// </summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var names = new string[tags.Length];
        var values = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = SanitizeName(tags[i].Key);
            values[i] = EscapeLabelValue(Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
            for (var j = i; j > 0 && string.CompareOrdinal(names[j - 1], names[j]) > 0; j--)
            {
                (names[j - 1], names[j]) = (names[j], names[j - 1]);
                (values[j - 1], values[j]) = (values[j], values[j - 1]);
            }
        }

        var builder = new StringBuilder();
        for (var i = 0; i < names.Length; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(names[i]).Append("=\"").Append(values[i]).Append('"');
        }

        return builder.ToString();
    }

    private static bool IsSanitized(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c))))
            {
                return false;
            }
        }

        return true;
    }

    private enum MetricKind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class Series(Instrument instrument, MetricKind kind)
    {
        private readonly SortedDictionary<string, Point> points = new(StringComparer.Ordinal);

        public string Name { get; } = SanitizeName(instrument.Name);

        public void ClearIfObservable()
        {
            if (instrument.IsObservable)
            {
                points.Clear();
            }
        }

        public void Record(string labels, double value, IReadOnlyList<double> buckets)
        {
            if (!points.TryGetValue(labels, out var point))
            {
                point = new Point(kind == MetricKind.Histogram ? new long[buckets.Count] : []);
                points[labels] = point;
            }

            switch (kind)
            {
                case MetricKind.Counter when instrument.IsObservable:
                case MetricKind.Gauge:
                    point.Value = value;
                    break;
                case MetricKind.Counter:
                    point.Value += value;
                    break;
                case MetricKind.Histogram:
                    point.Value += value;
                    point.Count++;
                    for (var i = 0; i < buckets.Count; i++)
                    {
                        if (value <= buckets[i])
                        {
                            point.Buckets[i]++;
                            break;
                        }
                    }

                    break;
            }
        }

        public void Write(StringBuilder text, IReadOnlyList<double> buckets)
        {
            if (instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(Name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ').Append(kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var (labels, point) in points)
            {
                if (kind != MetricKind.Histogram)
                {
                    Sample(text, Name, labels, point.Value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < buckets.Count; i++)
                {
                    cumulative += point.Buckets[i];
                    Sample(text, Name + "_bucket", With(labels, "le=\"" + FormatValue(buckets[i]) + "\""), cumulative);
                }

                Sample(text, Name + "_bucket", With(labels, "le=\"+Inf\""), point.Count);
                Sample(text, Name + "_sum", labels, point.Value);
                Sample(text, Name + "_count", labels, point.Count);
            }
        }

        private static string With(string labels, string label) => labels.Length == 0 ? label : labels + "," + label;

        private static void Sample(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(FormatValue(value)).Append('\n');
        }
    }

    private sealed class Point(long[] buckets)
    {
        public long[] Buckets { get; } = buckets;

        public double Value { get; set; }

        public long Count { get; set; }
    }
}
