using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TinyImage.Bench.Report;

namespace TinyImage.Bench.Cluster;

/// <summary>
/// <c>scale --emulator BIN --crd FILE --images FILE --build LABEL=BIN... [--sizes 100,1000,5000] [--runs 3]
/// [--steady-size 1000] [--steady-seconds 60] [--resync 10] [--changes 50] --results DIR --work DIR</c>.
/// For every size, build and run: a fresh emulator, the operator started and watching, N TinyImages created at once;
/// time until all are Ready, operator CPU and peak RSS, and the operator's API requests per object by verb. At the
/// steady size (first run of each build) it then stays for several resync periods (writes, reads, RSS drift) and makes
/// spec changes one at a time on one object (spec change to Job create; Job completion to Deployment write).
/// </summary>
internal static class ScaleCommand
{
    /// <summary>The index of the first warm-up TinyImage's name: above any measured size, so the names never meet.</summary>
    private const int WarmUpFirst = 900_000;

    public static async Task<int> RunAsync(Args args, IReadOnlyList<string> raw, CancellationToken cancellationToken)
    {
        var setup = BenchSetup.From(args);
        var builds = raw.Select((a, i) => (a, i)).Where(x => x.a == "--build" && x.i + 1 < raw.Count).Select(x => raw[x.i + 1].Split('=', 2)).Select(p => (Label: p[0], Binary: p[1])).ToList();
        var buildEnv = raw.Select((a, i) => (a, i)).Where(x => x.a == "--build-env" && x.i + 1 < raw.Count).Select(x => raw[x.i + 1].Split('=', 3)).ToList();
        var sizes = args.Ints("--sizes", [100, 1000, 5000]);
        var runs = args.Int("--runs", 3);
        var steadySize = args.Int("--steady-size", 1000);
        var steadySeconds = args.Int("--steady-seconds", 60);
        var resync = TimeSpan.FromSeconds(args.Int("--resync", 10));
        var changes = args.Int("--changes", 50);
        var countCommits = args.Flag("--count-commits");
        var warmUp = args.Int("--warm-up", 0);
        var results = args.Required("--results");
        var work = args.Required("--work");
        Directory.CreateDirectory(work);

        var runList = new JsonArray();
        var steadyList = new JsonObject();
        var latencyList = new JsonObject();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var n in sizes)
            {
                foreach (var (label, binary) in builds)
                {
                    var extras = run == 1 && n == steadySize;
                    Console.WriteLine($"-- {label} N={n} run {run}{(extras ? " (+ steady state, latency)" : "")}, load {Machine.LoadAverage()}");
                    var env = buildEnv.Where(e => e[0] == label).ToDictionary(e => e[1], e => e[2]);
                    var (result, steady, latency) = await OneRunAsync(setup, label, binary, env, n, run, extras, steadySeconds, resync, changes, countCommits, warmUp, work, cancellationToken);
                    runList.Add(result);
                    Console.WriteLine("   " + result.ToJsonString());
                    if (steady is not null)
                    {
                        steadyList[label] = steady;
                        Console.WriteLine("   steady: " + steady.ToJsonString());
                    }

                    if (latency is not null)
                    {
                        latencyList[label] = latency;
                        Console.WriteLine("   latency: " + latency.ToJsonString());
                    }
                }
            }
        }

        var json = new JsonObject { ["emulator"] = setup.EmulatorBinary, ["runs"] = runList, ["steady"] = steadyList, ["latency"] = latencyList, ["resyncSeconds"] = resync.TotalSeconds, ["steadySeconds"] = steadySeconds };
        ResultFile.Write(results, args.Optional("--name") ?? "scale", json, Markdown(json, builds.Select(b => b.Label).ToList(), sizes));
        return 0;
    }

    private static async Task<(JsonObject Run, JsonObject? Steady, JsonObject? Latency)> OneRunAsync(
        BenchSetup setup, string label, string binary, IReadOnlyDictionary<string, string> env, int n, int run, bool extras, int steadySeconds, TimeSpan resync, int changes, bool countCommits, int warmUp, string work, CancellationToken cancellationToken)
    {
        await using var cluster = await BenchCluster.StartAsync(setup, work, cancellationToken);
        var logFile = Path.Combine(work, $"operator-{label}-{n}-{run}.log");
        var op = cluster.StartOperator(binary, logFile, resync, env);
        JsonObject result;
        JsonObject? steady = null;
        JsonObject? latency = null;
        try
        {
            if (!await cluster.WaitForOperatorWatchAsync(op, TimeSpan.FromSeconds(60), cancellationToken))
            {
                throw new InvalidOperationException($"the operator did not start watching (exited: {op.HasExited}); see {logFile}");
            }

            // Optional warm-up: a few TinyImages taken to Ready before anything is measured, so that code paths the JIT-compiled
            // emulator takes for the first time (and the processes' first-use costs: thread pool growth, connections, the
            // image's first verification) fall outside the measured burst. They stay (Ready, nothing to write) and are not
            // counted in any figure below.
            var warmNames = new HashSet<string>(StringComparer.Ordinal);
            if (warmUp > 0)
            {
                await cluster.CreateAsync(WarmUpFirst, warmUp, cancellationToken);
                warmNames.UnionWith(Enumerable.Range(WarmUpFirst, warmUp).Select(BenchCluster.Name));
                if (!await cluster.Watcher.WaitAsync(w => w.ReadyCount >= warmUp, TimeSpan.FromSeconds(120), cancellationToken))
                {
                    throw new InvalidOperationException($"the {warmUp} warm-up TinyImages did not become Ready; see {logFile}");
                }
            }

            var startIndex = await cluster.Api.RequestCountAsync(cancellationToken);
            var emuRuntime0 = await cluster.Api.RuntimeAsync(cancellationToken);
            var cpu0 = op.CpuSeconds();
            var emuCpu0 = cluster.Emulator.CpuSeconds();
            var opSwitches0 = ProcStats.ContextSwitches(op.Pid);
            var emuSwitches0 = ProcStats.ContextSwitches(cluster.Emulator.Pid);
            var rv0 = await cluster.Api.ResourceVersionAsync(cancellationToken);
            await using var counter = countCommits ? CommitCounter.Start(cluster.Api, rv0) : null;
            var rssBefore = op.RssMiB();
            var watch = Stopwatch.StartNew();
            var firstCreate = Stopwatch.GetTimestamp();
            await cluster.CreateAsync(0, n, cancellationToken);
            var created = watch.Elapsed.TotalSeconds;
            var allReady = await cluster.Watcher.WaitAsync(w => w.ReadyCount >= n + warmUp, TimeSpan.FromSeconds(60 + (n * 0.1)), cancellationToken);
            var readySeconds = watch.Elapsed.TotalSeconds;
            var cpu = op.CpuSeconds() - cpu0;
            var emuCpu = cluster.Emulator.CpuSeconds() - emuCpu0;
            var opSwitches = ProcStats.ContextSwitches(op.Pid);
            var emuSwitches = ProcStats.ContextSwitches(cluster.Emulator.Pid);
            // The emulator is JIT-compiled (the operator is not): the compilation of code paths first taken during the burst
            // is a one-time cost inside its CPU figure, named here so it can be told apart from the per-object work.
            var emuRuntime = EmulatorRuntime.Between(emuRuntime0, await cluster.Api.RuntimeAsync(cancellationToken));
            var peak = op.PeakRssMiB();
            var rss = op.RssMiB();
            var rv = await cluster.Api.ResourceVersionAsync(cancellationToken);
            if (Environment.GetEnvironmentVariable("BENCH_AT_READY") is { Length: > 0 } atReady)
            {
                // A diagnostic hook (e.g. a heap dump of the operator at Ready): a shell command, the operator's pid in $OPERATOR_PID.
                using var hook = Process.Start(new ProcessStartInfo("sh", ["-c", atReady]) { Environment = { ["OPERATOR_PID"] = op.Pid.ToString(CultureInfo.InvariantCulture) } })!;
                await hook.WaitForExitAsync(cancellationToken);
            }

            var readyTimes = cluster.Watcher.Named.Where(o => o.Value.Ready && !warmNames.Contains(o.Key)).Select(o => o.Value).Select(s => Stopwatch.GetElapsedTime(firstCreate, s.FirstReadyTimestamp).TotalSeconds).ToList();
            await Task.Delay(500, cancellationToken); // let the last status writes land in the log before it is read
            var (requests, next) = await cluster.Api.RequestsAsync(startIndex, cancellationToken);
            var mine = requests.Where(r => r.IsOperator).ToList();
            result = new JsonObject
            {
                ["build"] = label,
                ["n"] = n,
                ["run"] = run,
                ["allReady"] = allReady,
                ["ready"] = cluster.Watcher.ReadyCount - warmUp,
                ["warmUp"] = warmUp,
                ["createSeconds"] = Math.Round(created, 3),
                ["readySeconds"] = Math.Round(readySeconds, 3),
                ["readyP50Seconds"] = readyTimes.Count == 0 ? null : Math.Round(Stats.Of(readyTimes).P50, 3),
                ["operatorCpuSeconds"] = Math.Round(cpu, 2),
                ["operatorCpuSecondsSinceStart"] = Math.Round(op.CpuSeconds(), 2),
                ["emulatorCpuSeconds"] = Math.Round(emuCpu, 2),
                ["emulatorCpuMsPerObject"] = Math.Round(emuCpu * 1000 / n, 2),
                ["emulatorKind"] = emuRuntime?.NativeAot switch { true => "NativeAOT", false => "JIT", null => null },
                ["emulatorJitSeconds"] = emuRuntime is null ? null : Math.Round(emuRuntime.JitSeconds, 3),
                ["emulatorJitMethods"] = emuRuntime?.JitMethods,
                ["emulatorAllocatedMB"] = emuRuntime is null ? null : Math.Round(emuRuntime.AllocatedBytes / 1e6, 1),
                ["emulatorGcPauseSeconds"] = emuRuntime is null ? null : Math.Round(emuRuntime.GcPauseSeconds, 3),
                ["emulatorCommitsPerObject"] = Math.Round((rv - rv0) / (double)n, 2),
                ["emulatorThreadPoolWorkItemsPerObject"] = emuRuntime?.ThreadPoolWorkItems is { } items ? Math.Round(items / (double)n, 1) : null,
                ["emulatorSwitchesPerObject"] = Math.Round((emuSwitches.Voluntary - emuSwitches0.Voluntary) / (double)n, 1),
                ["emulatorPreemptionsPerObject"] = Math.Round((emuSwitches.Involuntary - emuSwitches0.Involuntary) / (double)n, 1),
                ["operatorSwitchesPerObject"] = Math.Round((opSwitches.Voluntary - opSwitches0.Voluntary) / (double)n, 1),
                ["operatorPreemptionsPerObject"] = Math.Round((opSwitches.Involuntary - opSwitches0.Involuntary) / (double)n, 1),
                ["rssBeforeMiB"] = Math.Round(rssBefore, 1),
                ["peakRssMiB"] = Math.Round(peak, 1),
                ["rssAtReadyMiB"] = Math.Round(rss, 1),
                ["rssAnonAtReadyMiB"] = Math.Round(ProcStats.StatusKiB(op.Pid, "RssAnon") / 1024.0, 1),
                ["rssFileAtReadyMiB"] = Math.Round(ProcStats.StatusKiB(op.Pid, "RssFile") / 1024.0, 1),
                ["writesPerObject"] = Math.Round(mine.Count(r => r.IsWrite) / (double)n, 3),
                ["readsPerObject"] = Math.Round(mine.Count(r => !r.IsWrite) / (double)n, 3),
                ["failedRequests"] = mine.Count(r => r.Code >= 400),
                ["perObject"] = PerObject(mine, n),
                ["load"] = Machine.LoadAverage(),
            };
            if (counter is not null)
            {
                await Task.Delay(500, cancellationToken); // the last commits' events
                var commits = new JsonObject();
                foreach (var (key, count) in counter.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    commits[key] = Math.Round(count / (double)n, 3);
                }

                result["commitsPerObjectByResource"] = commits;
            }

            if (extras && allReady)
            {
                steady = await SteadyAsync(cluster, op, steadySeconds, cancellationToken);
                latency = await LatencyAsync(cluster, changes, cancellationToken);
            }
        }
        finally
        {
            op.Dispose();
        }

        // The verifier's "Verified" (4102: a pull) and cache-hit (4101) lines, in the console's plain or JSON format.
        static bool Logged(string line, int eventId) =>
            line.Contains($"[{eventId}]", StringComparison.Ordinal) || line.Contains($"\"EventId\":{eventId},", StringComparison.Ordinal);
        var pulls = File.ReadLines(logFile).Count(l => Logged(l, 4102));
        var hits = File.ReadLines(logFile).Count(l => Logged(l, 4101));
        result["registryPulls"] = pulls;
        result["logLines"] = File.ReadLines(logFile).Count();
        _ = hits;
        return (result, steady, latency);
    }

    private static JsonObject PerObject(IEnumerable<LoggedRequest> requests, int n)
    {
        var o = new JsonObject();
        foreach (var g in requests.GroupBy(r => r.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            o[g.Key] = Math.Round(g.Count() / (double)n, 3);
        }

        return o;
    }

    private static async Task<JsonObject> SteadyAsync(BenchCluster cluster, OperatorProcess op, int seconds, CancellationToken cancellationToken)
    {
        var start = await cluster.Api.RequestCountAsync(cancellationToken);
        var cpu0 = op.CpuSeconds();
        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            samples.Add(op.RssMiB());
            await Task.Delay(1000, cancellationToken);
        }

        samples.Add(op.RssMiB());
        var minutes = watch.Elapsed.TotalMinutes;
        var (requests, _) = await cluster.Api.RequestsAsync(start, cancellationToken);
        var mine = requests.Where(r => r.IsOperator).ToList();
        var o = new JsonObject
        {
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
            ["writesPerMinute"] = Math.Round(mine.Count(r => r.IsWrite) / minutes, 2),
            ["readsPerMinute"] = Math.Round(mine.Count(r => !r.IsWrite) / minutes, 2),
            ["operatorCpuSeconds"] = Math.Round(op.CpuSeconds() - cpu0, 2),
            ["rssStartMiB"] = Math.Round(samples[0], 1),
            ["rssEndMiB"] = Math.Round(samples[^1], 1),
            ["rssMaxMiB"] = Math.Round(samples.Max(), 1),
            ["rssDriftMiB"] = Math.Round(samples[^1] - samples[0], 1),
            ["rssAnonEndMiB"] = Math.Round(ProcStats.StatusKiB(op.Pid, "RssAnon") / 1024.0, 1),
            ["rssFileEndMiB"] = Math.Round(ProcStats.StatusKiB(op.Pid, "RssFile") / 1024.0, 1),
            ["peakRssMiB"] = Math.Round(op.PeakRssMiB(), 1),
        };
        var byKey = new JsonObject();
        foreach (var g in mine.GroupBy(r => r.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            byKey[g.Key] = g.Count();
        }

        o["requests"] = byKey;
        return o;
    }

    private static async Task<JsonObject> LatencyAsync(BenchCluster cluster, int changes, CancellationToken cancellationToken)
    {
        var name = BenchCluster.Name(0);
        var path = BenchCluster.TinyImages + "/" + name;
        var start = await cluster.Api.RequestCountAsync(cancellationToken);
        var timedOut = 0;
        for (var k = 1; k <= changes + 1; k++)
        {
            var patched = await cluster.Api.MergePatchAsync(path, new JsonObject { ["spec"] = new JsonObject { ["build"] = new JsonObject { ["features"] = new JsonArray("bench-" + k.ToString(CultureInfo.InvariantCulture)) } } }, cancellationToken);
            var generation = (long)patched["metadata"]!["generation"]!;
            if (!await cluster.Watcher.WaitAsync(w => w.Get(name) is { Ready: true, Phase: "Ready" } s && s.ObservedGeneration >= generation, TimeSpan.FromSeconds(30), cancellationToken))
            {
                timedOut++;
            }
        }

        await Task.Delay(300, cancellationToken);
        var (requests, _) = await cluster.Api.RequestsAsync(start, cancellationToken);
        var completions = await cluster.Api.CompletionsAsync(cancellationToken);
        var patches = requests.Where(r => !r.IsOperator && r.Verb == "patch" && r.Resource == "tinyimages" && r.Name == name).Select(r => r.Micros).ToList();
        var toJob = new List<double>();
        var toDeployment = new List<double>();
        // The first change is a warm-up (first code paths, and a digest the verifier may not have seen yet).
        for (var k = 1; k < patches.Count; k++)
        {
            var from = patches[k];
            var until = k + 1 < patches.Count ? patches[k + 1] : long.MaxValue;
            var jobCreate = requests.FirstOrDefault(r => r.IsOperator && r.Verb == "create" && r.Resource == "jobs" && r.Micros >= from && r.Micros < until);
            if (jobCreate is not null)
            {
                toJob.Add((jobCreate.Micros - from) / 1000.0);
            }

            var completion = completions.FirstOrDefault(c => c.Name.StartsWith(name + "-build-", StringComparison.Ordinal) && c.Micros >= from && c.Micros < until);
            if (completion is not null)
            {
                var deploy = requests.FirstOrDefault(r => r.IsOperator && r.IsWrite && r.Resource == "deployments" && r.Micros >= completion.Micros && r.Micros < until);
                if (deploy is not null)
                {
                    toDeployment.Add((deploy.Micros - completion.Micros) / 1000.0);
                }
            }
        }

        return new JsonObject
        {
            ["changes"] = changes,
            ["timedOut"] = timedOut,
            ["specToJobMs"] = ResultFile.ToJson(Stats.Of(toJob)),
            ["jobToDeploymentMs"] = ResultFile.ToJson(Stats.Of(toDeployment)),
            ["specToJobSamplesMs"] = ResultFile.Array(toJob),
            ["jobToDeploymentSamplesMs"] = ResultFile.Array(toDeployment),
        };
    }

    private static string Markdown(JsonObject json, List<string> builds, IReadOnlyList<int> sizes)
    {
        var md = new StringBuilder();
        var runs = json["runs"]!.AsArray().Select(r => r!.AsObject()).ToList();
        md.AppendLine("| build | TinyImages | runs | all Ready (s) min / median / max | operator CPU (s) | emulator CPU (s) | of it JIT (s) | emulator allocated (MB) | emulator commits / object | peak RSS (MiB) | RSS anon / file at Ready (MiB, median) | writes / object | reads / object | registry pulls | load avg |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var n in sizes)
        {
            foreach (var b in builds)
            {
                var rs = runs.Where(r => (string?)r["build"] == b && (int)r["n"]! == n).ToList();
                if (rs.Count == 0)
                {
                    continue;
                }

                string S(string key, string format) => Stats.Of(rs.Select(r => ResultFile.Num(r[key]))).Mmm(format);
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {b} | {n} | {rs.Count}{(rs.All(r => (bool)r["allReady"]!) ? "" : " (not all Ready!)")} | {S("readySeconds", "0.00")} | {S("operatorCpuSeconds", "0.00")} | {S("emulatorCpuSeconds", "0.00")} | {S("emulatorJitSeconds", "0.00")} | {S("emulatorAllocatedMB", "0")} | {S("emulatorCommitsPerObject", "0.00")} | {S("peakRssMiB", "0.0")} | {Stats.Of(rs.Select(r => ResultFile.Num(r["rssAnonAtReadyMiB"]))).Median:0.0} / {Stats.Of(rs.Select(r => ResultFile.Num(r["rssFileAtReadyMiB"]))).Median:0.0} | {S("writesPerObject", "0.00")} | {S("readsPerObject", "0.00")} | {S("registryPulls", "0")} | {string.Join("; ", rs.Select(r => (string?)r["load"]))} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Requests per object on the way to Ready (operator only, first run of each size):");
        md.AppendLine();
        foreach (var r in runs.Where(r => (int)r["run"]! == 1))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r["build"]} N={r["n"]}: {string.Join(", ", r["perObject"]!.AsObject().Select(kv => $"{kv.Key} {kv.Value}"))}");
        }

        md.AppendLine();
        foreach (var (b, s) in json["steady"]!.AsObject())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Steady state, {b}: {s!.ToJsonString()}");
        }

        foreach (var (b, l) in json["latency"]!.AsObject())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Latency, {b}: spec change → Job create {l!["specToJobMs"]!.ToJsonString()}; Job complete → Deployment write {l["jobToDeploymentMs"]!.ToJsonString()} (timed out: {l["timedOut"]})");
        }

        return md.ToString();
    }
}
