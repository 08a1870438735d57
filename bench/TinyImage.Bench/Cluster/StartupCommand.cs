using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.Bench.Report;

namespace TinyImage.Bench.Cluster;

/// <summary>
/// <c>startup --emulator BIN --crd FILE --images FILE --build LABEL=BIN... [--runs 5] --results DIR --work DIR</c>:
/// with one unreconciled TinyImage waiting, the operator process is started and the emulator's request log tells when
/// its first request and its first write (the first reconcile acting) arrived. Builds alternate run by run. The API's
/// answer time is estimated by replaying, from the harness, the operator's non-watch requests that came before its
/// first write, one after another, two seconds after that write (an upper bound: the operator sends some of them
/// concurrently). With
/// <c>--trace</c> the operator runs with TINYIMAGE_STARTUP_TRACE=1 and each of its start steps is placed after the
/// spawn (median per step in the report).
/// </summary>
internal static class StartupCommand
{
    public static async Task<int> RunAsync(Args args, IReadOnlyList<string> raw, CancellationToken cancellationToken)
    {
        var setup = BenchSetup.From(args);
        var builds = raw.Select((a, i) => (a, i)).Where(x => x.a == "--build" && x.i + 1 < raw.Count).Select(x => raw[x.i + 1].Split('=', 2)).Select(p => (Label: p[0], Binary: p[1])).ToList();
        var runs = args.Int("--runs", 5);
        var results = args.Required("--results");
        var work = args.Required("--work");
        Directory.CreateDirectory(work);
        var trace = args.Flag("--trace");
        var samples = builds.ToDictionary(b => b.Label, _ => new List<JsonObject>());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (label, binary) in builds)
            {
                var sample = await OneAsync(setup, label, binary, run, work, trace, cancellationToken);
                Console.WriteLine($"-- {label} run {run}: {sample.ToJsonString()}");
                samples[label].Add(sample);
            }
        }

        var json = new JsonObject { ["runs"] = runs };
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Startup, {runs} runs per build, alternating (ms, min / median / max):");
        md.AppendLine();
        md.AppendLine("| build | start → first API request | start → first write (first reconcile) | API answer time before it (replayed, upper bound) | first reconcile excluding API time |");
        md.AppendLine("|---|---|---|---|---|");
        var medians = new Dictionary<string, double>();
        foreach (var (label, list) in samples)
        {
            Stats S(string key) => Stats.Of(list.Select(s => ResultFile.Num(s[key])));
            json[label] = new JsonObject
            {
                ["firstRequestMs"] = ResultFile.ToJson(S("firstRequestMs")),
                ["firstWriteMs"] = ResultFile.ToJson(S("firstWriteMs")),
                ["apiAnswerMs"] = ResultFile.ToJson(S("apiAnswerMs")),
                ["excludingApiMs"] = ResultFile.ToJson(S("excludingApiMs")),
                ["samples"] = new JsonArray([.. list.Select(s => (JsonNode)s.DeepClone())]),
            };
            medians[label] = S("firstWriteMs").Median;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {S("firstRequestMs").Mmm("0.0")} | {S("firstWriteMs").Mmm("0.0")} | {S("apiAnswerMs").Mmm("0.0")} | {S("excludingApiMs").Mmm("0.0")} |");
        }

        if (trace)
        {
            md.AppendLine();
            md.AppendLine("Startup trace (TINYIMAGE_STARTUP_TRACE=1), ms after the spawn, median of the runs:");
            md.AppendLine();
            md.AppendLine("| build | step | ms after spawn (min / median / max) |");
            md.AppendLine("|---|---|---|");
            foreach (var (label, list) in samples)
            {
                var steps = list.SelectMany(s => s["steps"]?.AsObject() ?? []).GroupBy(kv => kv.Key, kv => ResultFile.Num(kv.Value));
                foreach (var step in steps.OrderBy(g => Stats.Of(g).Median))
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {step.Key} | {Stats.Of(step).Mmm("0.0")} |");
                }
            }
        }

        if (medians.Count == 2)
        {
            var ordered = medians.OrderByDescending(m => m.Value).ToList();
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Ratio of medians (start → first write): {ordered[0].Key} / {ordered[1].Key} = {ordered[0].Value / ordered[1].Value:0.0}×");
            json["ratio"] = Math.Round(ordered[0].Value / ordered[1].Value, 2);
        }

        ResultFile.Write(results, "startup", json, md.ToString());
        return 0;
    }

    private static async Task<JsonObject> OneAsync(BenchSetup setup, string label, string binary, int run, string work, bool trace, CancellationToken cancellationToken)
    {
        await using var cluster = await BenchCluster.StartAsync(setup, work, cancellationToken);
        await cluster.CreateAsync(0, 1, cancellationToken);
        var start = await cluster.Api.RequestCountAsync(cancellationToken);
        using var op = cluster.StartOperator(binary, Path.Combine(work, $"startup-{label}-{run}.log"), TimeSpan.FromMinutes(10),
            trace ? new Dictionary<string, string> { ["TINYIMAGE_STARTUP_TRACE"] = "1" } : null);
        var startMicros = (op.StartedAt - DateTimeOffset.UnixEpoch).Ticks / 10;
        List<LoggedRequest> mine = [];
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && !op.HasExited)
        {
            var (requests, _) = await cluster.Api.RequestsAsync(start, cancellationToken);
            mine = [.. requests.Where(r => r.IsOperator)];
            if (mine.Any(r => r.IsWrite))
            {
                break;
            }

            await Task.Delay(20, cancellationToken);
        }

        var firstWrite = mine.FirstOrDefault(r => r.IsWrite) ?? throw new InvalidOperationException($"{label}: no write from the operator within 60 s");
        var before = mine.Where(r => r.Index < firstWrite.Index && r.Verb != "watch").ToList();

        // Replayed once the operator's first reconcile has run its course: right after the first write the operator's next
        // writes (the build's ConfigMap and Job) make the emulator compile and run its controllers' code under the store's
        // lock, and a replay then measured that (over 100 ms against a few ms) instead of the answers the operator waited for.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var answer = 0.0;
        foreach (var r in before)
        {
            var t = Stopwatch.StartNew();
            using var response = await cluster.Api.Http.GetAsync(new Uri(r.Path, UriKind.Relative), cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            answer += t.Elapsed.TotalMilliseconds;
        }

        var firstWriteMs = (firstWrite.Micros - startMicros) / 1000.0;
        var steps = new JsonObject();
        if (trace)
        {
            // Bounded wait for the trace's last line (written after the first reconcile returns).
            var traced = Stopwatch.StartNew();
            while (traced.Elapsed < TimeSpan.FromSeconds(5) && !op.TraceLines.Any(l => l.EndsWith(" first reconcile done", StringComparison.Ordinal)))
            {
                await Task.Delay(20, cancellationToken);
            }

            foreach (var line in op.TraceLines)
            {
                // startup-trace UNIX_MICROS MS_SINCE_MAIN STEP
                var parts = line.Split(' ', 4);
                steps[parts[3]] = Math.Round((long.Parse(parts[1], CultureInfo.InvariantCulture) - startMicros) / 1000.0, 2);
            }

            steps["first write seen by the API server"] = Math.Round(firstWriteMs, 2);
        }

        return new JsonObject
        {
            ["steps"] = steps,
            ["run"] = run,
            ["firstRequestMs"] = Math.Round((mine[0].Micros - startMicros) / 1000.0, 2),
            ["firstWriteMs"] = Math.Round(firstWriteMs, 2),
            ["firstWrite"] = firstWrite.Key,
            ["requestsBefore"] = string.Join(", ", before.Select(r => r.Key)),
            ["apiAnswerMs"] = Math.Round(answer, 2),
            ["excludingApiMs"] = Math.Round(firstWriteMs - answer, 2),
            ["load"] = Machine.LoadAverage(),
        };
    }
}
