using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Bench.Report;
using TinyImage.Oci;
using TinyImage.Sbom;
using TinyImage.Operator.Verification;

namespace TinyImage.Bench.Verification;

/// <summary>
/// <c>verify --images DIR/images.json --results DIR [--runs N] [--name NAME] [--pull-only] [--registry-pid PID] [--python SCRIPT]
/// [--jit BIN] [--aot BIN]</c>: times the operator's <see cref="ImageVerifier"/> on the 2 MiB and 50 MiB images (cold: a new
/// verifier per run; cold image, warm client: one long-lived verifier with its result cache off, as the operator's; warm: the
/// result cache), the SBOM read of the same binary on local disk, and the baselines of the same
/// run: a raw HTTP GET of the layer blob (alone, and with SHA-256 over it), reading the file once in-process and with
/// <c>cat FILE &gt; /dev/null</c>, and a Python section reader. The two pulls and the raw GETs are timed in turns, so each
/// pull has a raw GET beside it under the same load (the per-run ratio). Whole-process local verification
/// (<c>tinyimage-operator verify FILE</c>) is timed for the JIT and AOT builds. <c>--pull-only</c> keeps the registry rows.
/// Every row also has this process's CPU time and, with <c>--registry-pid</c>, the registry's.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var images = JsonNode.Parse(await File.ReadAllTextAsync(args.Required("--images"), cancellationToken))!.AsObject();
        var results = args.Required("--results");
        var runs = args.Int("--runs", 7);
        var python = args.Optional("--python");
        var pythonExe = args.Optional("--python-exe") ?? "python3"; // the interpreter itself: a pyenv shim adds a bash start-up
        var jit = args.Optional("--jit");
        var aot = args.Optional("--aot");
        var pullOnly = args.Flag("--pull-only"); // only the registry rows: the cold pull, its baselines, the steps
        int? registryPid = args.Optional("--registry-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null;
        var binaryName = (string)images["binaryName"]!;
        var json = new JsonObject { ["runs"] = runs, ["load"] = Machine.LoadAverage() };
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Verification, {runs} runs each after one warm-up (load average at start: {Machine.LoadAverage()}). Times in ms as min / median / max; CPU: this process's, all threads (ms, median); registry CPU: the docker-registry process's, when its pid was given.");
        md.AppendLine();
        md.AppendLine("| image | compressed | what | time (ms) | CPU (ms) | registry CPU (ms) | allocated (MiB, median) | ratio to raw layer GET (medians) | ratio to `cat` |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");

        foreach (var key in new[] { "2mib", "50mib" })
        {
            var image = images["images"]![key]!.AsObject();
            var repository = (string)image["repository"]!;
            var digest = (string)image["digest"]!;
            var binary = (string)image["binary"]!;
            var request = new VerificationRequest(repository, digest, binaryName, VerifyPolicy.Default, null, Insecure: true);
            // The bench registry is local (loopback): allow exactly its host, as an admin would with --registry-allow.
            var loopbackAllowed = new TinyImage.Oci.RegistryClientOptions { Outbound = TinyImage.Oci.OutboundPolicy.Create([new Uri("http://" + repository.Split('/')[0]).Host]) };
            var entry = new JsonObject { ["compressedBytes"] = (long)image["totalBytes"]!, ["binaryBytes"] = (long)image["binaryBytes"]! };

            using var http = new HttpClient();
            var repositoryHost = repository[..repository.IndexOf('/', StringComparison.Ordinal)];
            var repositoryPath = repository[(repository.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var blobUri = new Uri($"http://{repositoryHost}/v2/{repositoryPath}/blobs/{(string)image["layerDigest"]!}");

            // Cold: a new verifier (empty cache, new connections, the HTTPS probe of this plain-HTTP registry) per run, as
            // for a digest never seen before.
            async Task Cold()
            {
                using var verifier = new ImageVerifier(new ImageVerifierOptions { Client = loopbackAllowed }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
                var result = await verifier.VerifyAsync(request, cancellationToken);
                if (!result.Passed)
                {
                    throw new InvalidOperationException("verification failed: " + result.Message);
                }
            }

            // Cold image, warm client: one verifier for the whole run, as the operator keeps one for its life (its
            // RegistryClientPool holds one client per registry host: the plain-HTTP scheme learnt once, connections pooled),
            // with its result cache off, so every run does every step of the pull as for a digest it has not seen.
            using var warmClientVerifier = new ImageVerifier(new ImageVerifierOptions { CacheCapacity = 0, Client = loopbackAllowed }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
            Task WarmClient() => PullAsync(warmClientVerifier, request, cancellationToken);

            // Floor 1: the layer's bytes over HTTP once, on a warm connection of a plain HttpClient (SocketsHttpHandler,
            // no automatic decompression, like the registry client's), read to the end in 80 KiB reads and discarded:
            // no hashing, no inflating.
            async Task RawGet()
            {
                await using var body = await http.GetStreamAsync(blobUri, cancellationToken);
                await body.CopyToAsync(Stream.Null, cancellationToken);
            }

            // Floor 1c: the same GET with SHA-256 over the bytes as they arrive (what a digest check alone costs).
            var hashBuffer = new byte[128 * 1024];
            async Task RawGetHashed()
            {
                await using var body = await http.GetStreamAsync(blobUri, cancellationToken);
                using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                int n;
                while ((n = await body.ReadAsync(hashBuffer, cancellationToken)) > 0)
                {
                    sha256.AppendData(hashBuffer, 0, n);
                }

                _ = sha256.GetHashAndReset();
            }

            // The four are timed in turns, the order rotating from run to run, so each pull has a raw GET measured under
            // the same load beside it: the per-run ratio is the robust figure on a shared machine.
            var paired = await RotateAsync(runs, registryPid, Cold, RawGet, RawGetHashed, WarmClient);
            var cold = paired[0];
            var rawGet = paired[1];
            var rawGetHashed = paired[2];
            var warmClient = paired[3];

            // Warm: the same request again on one verifier: served by the result cache.
            using var warmVerifier = new ImageVerifier(new ImageVerifierOptions { Client = loopbackAllowed }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
            await warmVerifier.VerifyAsync(request, cancellationToken);
            const int warmRepeats = 1000;
            var warm = await RepeatAsync(runs, registryPid, async () =>
            {
                for (var i = 0; i < warmRepeats; i++)
                {
                    await warmVerifier.VerifyAsync(request, cancellationToken);
                }
            });

            // The same verifier again with its result cache off: connection pools warm, every step of the pull still done.
            using var noCache = new ImageVerifier(new ImageVerifierOptions { CacheCapacity = 0, Client = loopbackAllowed }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
            var warmPools = await RepeatAsync(runs, registryPid, () => PullAsync(noCache, request, cancellationToken));

            // What the pull's steps cost on their own, on the layer's bytes in memory: sha256 once, gunzip once.
            var layerBytes = await http.GetByteArrayAsync(blobUri, cancellationToken);
            var sha = await RepeatAsync(runs, null, () => Task.FromResult(System.Security.Cryptography.SHA256.HashData(layerBytes)));
            var gunzip = await RepeatAsync(runs, null, async () =>
            {
                await using var gz = new System.IO.Compression.GZipStream(new MemoryStream(layerBytes, writable: false), System.IO.Compression.CompressionMode.Decompress);
                await gz.CopyToAsync(Stream.Null, cancellationToken);
            });

            // Floor 1b: what any pull by digest must do, one request after another: the manifest, then the config and
            // the layer it names, bytes discarded (no hashing, no inflating).
            var manifestUri = new Uri($"http://{repositoryHost}/v2/{repositoryPath}/manifests/{digest}");
            var configUri = await ConfigUriAsync(http, manifestUri, repositoryHost, repositoryPath, cancellationToken);
            var rawPull = await RepeatAsync(runs, registryPid, async () =>
            {
                foreach (var uri in new[] { manifestUri, configUri, blobUri })
                {
                    using var get = new HttpRequestMessage(HttpMethod.Get, uri);
                    get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
                    get.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
                    using var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    await body.CopyToAsync(Stream.Null, cancellationToken);
                }
            });

            entry["registryCold"] = Json(cold);
            entry["registryColdRatioToRawGetPerRun"] = ResultFile.ToJson(Stats.Of(cold.Zip(rawGet, (c, r) => c.Ms / r.Ms)));
            entry["registryColdImageWarmClient"] = Json(warmClient);
            entry["registryColdImageWarmClientRatioToRawGetPerRun"] = ResultFile.ToJson(Stats.Of(warmClient.Zip(rawGet, (c, r) => c.Ms / r.Ms)));
            entry["registryWarmPoolsNoCache"] = Json(warmPools);
            entry["sha256Layer"] = Json(sha);
            entry["gunzipLayer"] = Json(gunzip);
            entry["registryCachedMicros"] = ResultFile.ToJson(Stats.Of(warm.Select(r => r.Ms * 1000 / warmRepeats)));
            entry["rawLayerGet"] = Json(rawGet);
            entry["rawLayerGetHashed"] = Json(rawGetHashed);
            entry["rawManifestConfigLayerGets"] = Json(rawPull);

            var size = ((long)image["totalBytes"]! / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
            var rawMedian = Stats.Of(rawGet.Select(r => r.Ms)).Median;
            var pairRatio = Stats.Of(cold.Zip(rawGet, (c, r) => c.Ms / r.Ms));
            Row(md, key, size, $"operator verify from registry, cold (new verifier); per-run ratio to the raw GET beside it: min {pairRatio.Min:0.00}, **median {pairRatio.Median:0.00}**", cold, rawMedian, null);
            var warmClientRatio = Stats.Of(warmClient.Zip(rawGet, (c, r) => c.Ms / r.Ms));
            Row(md, key, size, $"operator verify from registry, cold image, warm client (one verifier, result cache off); per-run ratio to the raw GET beside it: min {warmClientRatio.Min:0.00}, **median {warmClientRatio.Median:0.00}**", warmClient, rawMedian, null);
            Row(md, key, size, "operator verify from registry, same verifier, result cache off (warm connections)", warmPools, rawMedian, null);
            Row(md, key, size, "baseline: raw HTTP GET of the layer blob (warm connection, bytes discarded)", rawGet, rawMedian, null);
            Row(md, key, size, "baseline: raw HTTP GET of the layer blob + SHA-256 as it arrives", rawGetHashed, rawMedian, null);
            Row(md, key, size, "baseline: raw GETs of manifest, config and layer, one after another", rawPull, rawMedian, null);
            Row(md, key, size, "step alone: sha256 of the layer (in memory)", sha, rawMedian, null);
            Row(md, key, size, "step alone: gunzip of the layer (in memory)", gunzip, rawMedian, null);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | operator verify, result cache hit (µs per call) | {Stats.Of(warm.Select(r => r.Ms * 1000 / warmRepeats)).Mmm("0.00")} | | | | | |");
            if (pullOnly)
            {
                json[key] = entry;
                continue;
            }

            var tempWrite = await RepeatAsync(runs, null, async () =>
            {
                var path = Path.Combine(Path.GetTempPath(), "tinyimage-bench-" + Guid.NewGuid().ToString("N"));
                await File.WriteAllBytesAsync(path, layerBytes, cancellationToken);
                File.Delete(path);
            });
            entry["tempFileWriteLayer"] = Json(tempWrite);
            Row(md, key, size, "step alone: write the layer to a temp file", tempWrite, rawMedian, null);

            // Local binary: the SBOM reader on the file (headers and the section only).
            var local = await RepeatAsync(runs, null, () =>
            {
                using var file = File.OpenRead(binary);
                var outcome = AuditDataReader.Read(file);
                return outcome.IsSuccess ? Task.CompletedTask : throw new InvalidOperationException("local SBOM read failed");
            });

            // Floor 2: reading the whole file once, in-process and as `cat FILE > /dev/null`.
            var buffer = new byte[1 << 20];
            var readOnce = await RepeatAsync(runs, null, async () =>
            {
                await using var file = new FileStream(binary, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                while (await file.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            });
            var cat = ProcessRuns(runs, "/bin/sh", "-c", "cat \"$1\" > /dev/null", "sh", binary);
            var shell = ProcessRuns(runs, "/bin/sh", "-c", ":");

            entry["localSbomRead"] = Json(local);
            entry["readOnceInProcess"] = Json(readOnce);
            entry["catProcess"] = ResultFile.ToJson(Stats.Of(cat.Select(c => c.Ms)));
            entry["shellSpawnOnly"] = ResultFile.ToJson(Stats.Of(shell.Select(c => c.Ms)));

            var catMedian = Stats.Of(cat.Select(c => c.Ms)).Median;
            Row(md, key, size, "operator SBOM read of the local binary", local, rawMedian, catMedian);
            Row(md, key, size, "baseline: read the binary once, in-process", readOnce, rawMedian, catMedian);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | baseline: `cat FILE > /dev/null` (process, via sh) | {Stats.Of(cat.Select(c => c.Ms)).Mmm("0.00")} | | | | | 1.00 |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | (spawn cost alone: `sh -c :`) | {Stats.Of(shell.Select(c => c.Ms)).Mmm("0.00")} | | | | | |");

            if (python is not null)
            {
                var py = ProcessRuns(runs, pythonExe, python, binary);
                var inScript = py.Select(p => JsonNode.Parse(p.Output)!["seconds"]!.GetValue<double>() * 1000).ToList();
                entry["pythonProcess"] = ResultFile.ToJson(Stats.Of(py.Select(p => p.Ms)));
                entry["pythonInScript"] = ResultFile.ToJson(Stats.Of(inScript));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | python3 section reader + zlib + json, whole process | {Stats.Of(py.Select(p => p.Ms)).Mmm("0.00")} | | | | | {Stats.Of(py.Select(p => p.Ms)).Median / catMedian:0.00} |");
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | python3 section reader, inside the script | {Stats.Of(inScript).Mmm("0.000")} | | | | | |");
            }

            foreach (var (label, bin) in new[] { ("JIT", jit), ("NativeAOT", aot) })
            {
                if (bin is null)
                {
                    continue;
                }

                var cli = ProcessRuns(runs, bin, "verify", binary, "-o", "json");
                entry["cli" + label] = ResultFile.ToJson(Stats.Of(cli.Select(c => c.Ms)));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | `tinyimage-operator verify FILE -o json`, {label}, whole process | {Stats.Of(cli.Select(c => c.Ms)).Mmm("0.00")} | | | | | {Stats.Of(cli.Select(c => c.Ms)).Median / catMedian:0.00} |");
            }

            json[key] = entry;
        }

        json["loadAtEnd"] = Machine.LoadAverage();
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end: {Machine.LoadAverage()}.");
        ResultFile.Write(results, args.Optional("--name") ?? "verify", json, md.ToString());
        return 0;
    }

    /// <summary>
    /// One verification by <paramref name="verifier"/> (result cache off) that really pulled: a call made right after the
    /// previous one ended may join that pull's flight before it is forgotten and be answered at once, which would time
    /// nothing; it is asked again until the verifier counts one more pull.
    /// </summary>
    internal static async Task PullAsync(ImageVerifier verifier, VerificationRequest request, CancellationToken cancellationToken)
    {
        var pulls = verifier.Pulls;
        while (verifier.Pulls == pulls)
        {
            var result = await verifier.VerifyAsync(request, cancellationToken);
            if (!result.Passed)
            {
                throw new InvalidOperationException("verification failed: " + result.Message);
            }
        }
    }

    /// <summary>The config blob's URL, from the manifest the registry serves for <paramref name="manifestUri"/>.</summary>
    private static async Task<Uri> ConfigUriAsync(HttpClient http, Uri manifestUri, string host, string repository, CancellationToken cancellationToken)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, manifestUri);
        get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        get.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await http.SendAsync(get, cancellationToken);
        var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return new Uri($"http://{host}/v2/{repository}/blobs/{(string)manifest["config"]!["digest"]!}");
    }

    private static void Row(StringBuilder md, string key, string size, string what, List<Sample> runs, double rawMedian, double? catMedian)
    {
        var ms = Stats.Of(runs.Select(r => r.Ms));
        var alloc = Stats.Of(runs.Select(r => r.Allocated / 1048576.0)).Median;
        var cpu = Stats.Of(runs.Select(r => r.CpuMs)).Median;
        var registryCpu = Stats.Of(runs.Select(r => r.RegistryCpuMs)).Median;
        var ratioToCat = catMedian is { } c ? (ms.Median / c).ToString("0.00", CultureInfo.InvariantCulture) : string.Empty;
        md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {size} | {what} | {ms.Mmm("0.00")} | {cpu:0.00} | {registryCpu:0.00} | {alloc:0.000} | {ms.Median / rawMedian:0.00} | {ratioToCat} |");
    }

    private static JsonObject Json(List<Sample> runs)
    {
        var o = ResultFile.ToJson(Stats.Of(runs.Select(r => r.Ms)));
        o["allocatedBytesMedian"] = (long)Stats.Of(runs.Select(r => (double)r.Allocated)).Median;
        o["cpuMsMedian"] = Stats.Of(runs.Select(r => r.CpuMs)).Median;
        o["registryCpuMsMedian"] = Stats.Of(runs.Select(r => r.RegistryCpuMs)).Median;
        o["runQueueMsMedian"] = Stats.Of(runs.Select(r => r.RunQueueMs)).Median;
        o["samplesMs"] = ResultFile.Array(runs.Select(r => r.Ms));
        o["samplesCpuMs"] = ResultFile.Array(runs.Select(r => r.CpuMs));
        return o;
    }

    private static async Task<List<Sample>> RepeatAsync(int runs, int? registryPid, Func<Task> action)
    {
        await action(); // warm-up: JIT, connection pools, page cache
        var list = new List<Sample>();
        for (var i = 0; i < runs; i++)
        {
            list.Add(await Timing.MeasureAsync(action, registryPid));
        }

        return list;
    }

    /// <summary>
    /// Times <paramref name="actions"/> in turns, <paramref name="runs"/> times each after one warm-up of each; run i starts
    /// with action i mod n, so none is always first (or always right after another).
    /// </summary>
    private static async Task<List<Sample>[]> RotateAsync(int runs, int? registryPid, params Func<Task>[] actions)
    {
        foreach (var action in actions)
        {
            await action();
        }

        var samples = actions.Select(_ => new List<Sample>()).ToArray();
        for (var i = 0; i < runs; i++)
        {
            for (var k = 0; k < actions.Length; k++)
            {
                var which = (i + k) % actions.Length;
                samples[which].Add(await Timing.MeasureAsync(actions[which], registryPid));
            }
        }

        return samples;
    }

    private static List<(double Ms, string Output)> ProcessRuns(int runs, string file, params string[] arguments)
    {
        Timing.Process(file, arguments);
        return [.. Enumerable.Range(0, runs).Select(_ => Timing.Process(file, arguments))];
    }
}
