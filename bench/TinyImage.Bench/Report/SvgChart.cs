using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.Bench.Report;

/// <summary>
/// <c>chart --scale results/scale.json --out FILE.svg</c>: time until all TinyImages are Ready and the operator's peak
/// RSS against the number of TinyImages (log scale), one line per build, median with min–max whiskers, goals dashed.
/// Hand-written SVG, no plotting library.
/// </summary>
internal static class SvgChart
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 300;
    private const int Left = 60;
    private const int Top = 50;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

    public static int Run(Args args)
    {
        var runs = args.Required("--scale").Split(',').Where(File.Exists)
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["runs"]!.AsArray().Select(r => r!.AsObject())).ToList();
        var builds = runs.Select(r => (string)r["build"]!).Distinct().ToList();
        var sizes = runs.Select(r => (int)r["n"]!).Distinct().Order().ToList();
        var svg = new StringBuilder();
        var width = (2 * (PanelWidth + Left)) + 40;
        var height = PanelHeight + Top + Bottom + 40;
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        Panel(svg, 0, "Time until all TinyImages are Ready (s)", "readySeconds", runs, builds, sizes, goalAt: 1000, goal: 10, goalText: "goal: 1,000 in < 10 s");
        Panel(svg, PanelWidth + Left + 40, "Operator peak RSS, VmHWM (MiB)", "peakRssMiB", runs, builds, sizes, goalAt: 1000, goal: 64, goalText: "goal (NativeAOT): ≤ 64 MiB at 1,000");
        var legendY = height - 14;
        for (var b = 0; b < builds.Count; b++)
        {
            var x = Left + (b * 140);
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{legendY - 4}\" x2=\"{x + 24}\" y2=\"{legendY - 4}\" stroke=\"{Colors[b % Colors.Length]}\" stroke-width=\"2.5\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x + 30}\" y=\"{legendY}\">{Escape(builds[b])}</text>");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{Left + (3 * 140)}\" y=\"{legendY}\" fill=\"#555\">median of runs, whiskers min–max; instant builds, emulator API server</text>");
        svg.AppendLine("</svg>");
        File.WriteAllText(args.Required("--out"), svg.ToString());
        return 0;
    }

    private static void Panel(StringBuilder svg, int offsetX, string title, string key, List<JsonObject> runs, List<string> builds, List<int> sizes, int goalAt, double goal, string goalText)
    {
        var x0 = offsetX + Left;
        var y0 = Top + PanelHeight;
        var values = runs.Select(r => ResultFile.Num(r[key])).ToList();
        var yMax = NiceMax(Math.Max(values.Max(), goal) * 1.1);
        var logMin = Math.Log10(sizes.Min() / 1.5);
        var logMax = Math.Log10(sizes.Max() * 1.5);
        double X(double n) => x0 + ((Math.Log10(n) - logMin) / (logMax - logMin) * PanelWidth);
        double Y(double v) => y0 - (v / yMax * PanelHeight);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x0}\" y=\"{Top - 20}\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{Top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#999\"/>");
        for (var i = 0; i <= 5; i++)
        {
            var v = yMax * i / 5;
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{F(Y(v))}\" x2=\"{x0 + PanelWidth}\" y2=\"{F(Y(v))}\" stroke=\"#eee\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 6}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\">{F(v)}</text>");
        }

        foreach (var n in sizes)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(n))}\" y1=\"{y0}\" x2=\"{F(X(n))}\" y2=\"{y0 + 5}\" stroke=\"#333\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(X(n))}\" y=\"{y0 + 18}\" text-anchor=\"middle\">{n.ToString("N0", CultureInfo.InvariantCulture)}</text>");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{x0 + (PanelWidth / 2)}\" y=\"{y0 + 36}\" text-anchor=\"middle\">TinyImages created at once (log scale)</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(goalAt) - 40)}\" y1=\"{F(Y(goal))}\" x2=\"{F(X(goalAt) + 40)}\" y2=\"{F(Y(goal))}\" stroke=\"#2ca02c\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(X(goalAt) + 44)}\" y=\"{F(Y(goal) + 4)}\" fill=\"#2ca02c\">{Escape(goalText)}</text>");

        for (var b = 0; b < builds.Count; b++)
        {
            var color = Colors[b % Colors.Length];
            var points = new List<string>();
            foreach (var n in sizes)
            {
                var s = Stats.Of(runs.Where(r => (string)r["build"]! == builds[b] && (int)r["n"]! == n).Select(r => ResultFile.Num(r[key])));
                if (s.Count == 0)
                {
                    continue;
                }

                var x = X(n) + ((b - ((builds.Count - 1) / 2.0)) * 6);
                points.Add($"{F(x)},{F(Y(s.Median))}");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(Y(s.Min))}\" x2=\"{F(x)}\" y2=\"{F(Y(s.Max))}\" stroke=\"{color}\" stroke-width=\"1.5\"/>");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(Y(s.Median))}\" r=\"3.5\" fill=\"{color}\"><title>{Escape(builds[b])} N={n}: median {F(s.Median)} (min {F(s.Min)}, max {F(s.Max)}, {s.Count} runs)</title></circle>");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 6)}\" y=\"{F(Y(s.Median) - 6)}\" fill=\"{color}\" font-size=\"10\">{F(s.Median)}</text>");
            }

            svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"/>");
        }
    }

    private static double NiceMax(double v)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= v)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
