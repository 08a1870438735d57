using System.Globalization;

namespace TinyImage.Bench.Report;

/// <summary>Min, median, max and percentiles of a sample (nearest-rank percentiles).</summary>
internal sealed record Stats(int Count, double Min, double Median, double Max, double P50, double P99, double Mean)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new Stats(sorted.Length, sorted[0], median, sorted[^1], Percentile(sorted, 50), Percentile(sorted, 99), sorted.Average());
    }

    /// <summary>Nearest rank: the smallest value with at least p% of the sample at or below it.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary><c>min / median / max</c> with the given format.</summary>
    public string Mmm(string format = "0.0") =>
        string.Create(CultureInfo.InvariantCulture, $"{Min.ToString(format, CultureInfo.InvariantCulture)} / {Median.ToString(format, CultureInfo.InvariantCulture)} / {Max.ToString(format, CultureInfo.InvariantCulture)}");
}
