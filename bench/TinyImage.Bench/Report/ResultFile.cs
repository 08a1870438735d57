using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.Bench.Report;

/// <summary>Writes a result document (JSON) and a Markdown fragment under the results directory.</summary>
internal static class ResultFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string directory, string name, JsonObject json, string markdown)
    {
        Directory.CreateDirectory(directory);
        json["machine"] = Machine.Describe();
        File.WriteAllText(Path.Combine(directory, name + ".json"), json.ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(directory, name + ".md"), markdown);
        Console.WriteLine(markdown);
    }

    /// <summary>A JSON number as double, whether it was written as an integer or not.</summary>
    public static double Num(JsonNode? node) => node is null ? double.NaN : double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    public static JsonArray Array(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(Math.Round(v, 4)))]);

    public static JsonObject ToJson(Stats s) => new()
    {
        ["count"] = s.Count,
        ["min"] = Math.Round(s.Min, 4),
        ["median"] = Math.Round(s.Median, 4),
        ["max"] = Math.Round(s.Max, 4),
        ["p50"] = Math.Round(s.P50, 4),
        ["p99"] = Math.Round(s.P99, 4),
    };
}
