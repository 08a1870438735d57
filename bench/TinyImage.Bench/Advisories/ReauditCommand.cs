using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using k8s.Models;
using TinyImage.Advisories;
using TinyImage.Api.V1Alpha1;
using TinyImage.Bench.Report;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Sbom;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Bench.Advisories;

/// <summary>
/// <c>reaudit</c>: what the operator does when the advisory database changes (BENCHMARKS.md, "Re-audit after a database
/// change"). Loads the RustSec snapshot and a changed copy (one advisory more, as a tar.gz like the refresher gets), builds
/// the package lists of N deployed TinyImages from the CycloneDX documents their SBOM ConfigMaps would hold (the restart
/// path), then times <see cref="AdvisoryReaudit.ReauditAll"/> over all of them, alternating the two databases so every pass
/// faces a new revision. Also reports the memory the kept package lists take.
/// </summary>
internal static class ReauditCommand
{
    public static async Task<int> RunAsync(Args args, CancellationToken cancellationToken)
    {
        var root = args.Optional("--advisory-db") ?? Path.Combine(FindRepo(), "..", "shared", "fixtures", "advisory-db");
        var count = args.Int("--tinyimages", 1000);
        var packages = args.Int("--packages", 150);
        var vulnerable = args.Int("--with-advisories", 10);
        var runs = args.Int("--runs", 7);
        if (!Directory.Exists(Path.Combine(root, "crates")))
        {
            await Console.Error.WriteLineAsync("reaudit: no advisory database at " + root + " (--advisory-db DIR)");
            return 1;
        }

        Console.WriteLine($"machine: {Machine.CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Machine.LoadAverage()}");

        // Load and index: the snapshot from its directory, the changed copy from a tar.gz (as fetched).
        var loadStart = Stopwatch.GetTimestamp();
        var before = await AdvisoryDatabase.LoadFromDirectoryAsync(root, cancellationToken);
        var loadDirectory = Stopwatch.GetElapsedTime(loadStart);
        var archive = Archive(root);
        var retainedBase = LiveBytes();
        loadStart = Stopwatch.GetTimestamp();
        var after = await AdvisoryDatabase.LoadFromTarGzAsync(new MemoryStream(archive), null, cancellationToken);
        var loadArchive = Stopwatch.GetElapsedTime(loadStart);
        var retained = LiveBytes() - retainedBase;
        GC.KeepAlive(after);
        Console.WriteLine($"load + index: directory {Ms(loadDirectory)} ms, tar.gz ({archive.Length / 1024} KiB) {Ms(loadArchive)} ms (first run, JIT); index retained {Mib(retained)} MiB; {before.Count} / {after.Count} advisories");

        // N deployed TinyImages: each SBOM has `packages` crates, `vulnerable` of them with advisories in the database
        // (drawn from the database's own packages at a version inside a range), the rest from a shared universe of crates
        // without any, so lists overlap the way real SBOMs do (serde, tokio, ...).
        var random = new Random(13);
        var advised = before.Advisories.Where(a => a.Collection == AdvisoryCollection.Crates && !a.IsWithdrawn).Select(a => a.Package).Distinct(StringComparer.Ordinal).ToArray();
        var universe = Enumerable.Range(0, 2000).Select(i => ($"crate-{i}", $"1.{i % 17}.{i % 5}")).ToArray();
        var boms = new string[count];
        var tinyImages = new TinyImageResource[count];
        for (var i = 0; i < count; i++)
        {
            var list = new List<(string, string)>(packages);
            for (var p = 0; p < vulnerable; p++)
            {
                list.Add((advised[random.Next(advised.Length)], "0.1." + random.Next(3)));
            }

            while (list.Count < packages)
            {
                list.Add(universe[random.Next(universe.Length)]);
            }

            var digest = "sha256:" + i.ToString("x64", CultureInfo.InvariantCulture);
            boms[i] = CycloneDxWriter.Write(Sbom(list), new ImageFacts("registry.example/team/app" + i, digest, 1 << 20, 1, []));
            tinyImages[i] = TinyImage(i, digest);
        }

        var configMaps = tinyImages.Select((t, i) => SbomConfigMap(t, boms[i])).ToDictionary(c => c.Metadata.Name, StringComparer.Ordinal);
        V1ConfigMap? Lookup(string? ns, string name) => configMaps.GetValueOrDefault(name);

        // What the kept lists cost alone: every list read from its CycloneDX document into a fresh store.
        var listsBase = LiveBytes();
        var lists = new TinyImage.Operator.Verification.PackageListStore();
        for (var i = 0; i < count; i++)
        {
            lists.Remember(tinyImages[i].Status!.Image!.Digest!, boms[i]);
        }

        var listBytes = LiveBytes() - listsBase;
        Console.WriteLine($"package lists of {count} TinyImages: {lists.Count} lists, {lists.Pool.Count} pooled strings, retained {Mib(listBytes)} MiB ({listBytes / count} bytes per TinyImage)");
        GC.KeepAlive(lists);
        lists = null;

        // The restart path: every list rebuilt from its CycloneDX document and audited, in one pass.
        var reaudit = new AdvisoryReaudit(null);
        var stateBase = LiveBytes();
        var rebuildStart = Stopwatch.GetTimestamp();
        var changedAtStart = reaudit.ReauditAll(tinyImages, Lookup, before, DateTimeOffset.UtcNow);
        var rebuild = Stopwatch.GetElapsedTime(rebuildStart);
        var stateBytes = LiveBytes() - stateBase;
        ShowAll(reaudit, tinyImages, before);
        Console.WriteLine($"restart: rebuild from the SBOM ConfigMaps + first audit of {count} TinyImages: {Ms(rebuild)} ms; lists + pool + remembered outcomes retained {Mib(stateBytes)} MiB; {changedAtStart.Count} to update");

        // The re-audit after a database change, alternating databases so each pass sees a new revision.
        var walls = new List<double>();
        var cpus = new List<double>();
        var allocated = new List<long>();
        var changed = 0;
        for (var run = 0; run < runs; run++)
        {
            var database = run % 2 == 0 ? after : before;
            GC.Collect();
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var allocStart = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            var result = reaudit.ReauditAll(tinyImages, Lookup, database, DateTimeOffset.UtcNow);
            var wall = Stopwatch.GetElapsedTime(start);
            allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - allocStart);
            cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds);
            walls.Add(wall.TotalMilliseconds);
            changed = result.Count;
            ShowAll(reaudit, tinyImages, database);
        }

        Console.WriteLine($"re-audit of {count} TinyImages × {packages} packages after a database change ({runs} passes): wall first {walls[0]:F1} ms, median {Median(walls.Skip(1)):F1} ms; CPU median {Median(cpus.Skip(1)):F1} ms; allocated median {Mib(Median(allocated.Skip(1).Select(a => (double)a)))} MiB per pass; {changed} TinyImages to update per pass");
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        return 0;
    }

    /// <summary>Writes each outcome into the TinyImage's status as the advisories step would, so the next pass compares against it.</summary>
    private static void ShowAll(AdvisoryReaudit reaudit, TinyImageResource[] tinyImages, AdvisoryDatabase database)
    {
        foreach (var tinyImage in tinyImages)
        {
            var outcome = reaudit.Evaluate(tinyImage, tinyImage.Status, null, database, DateTimeOffset.UtcNow)!;
            ConditionSet.Set(tinyImage.Status!.Conditions!, Conditions.Vulnerable, outcome.Status, outcome.Reason, outcome.Message, 1, DateTimeOffset.UtcNow);
            tinyImage.Status.Sbom!.Advisories = outcome.Summary;
        }
    }

    private static AuditData Sbom(List<(string Name, string Version)> list)
    {
        var json = new StringBuilder("{\"packages\":[");
        for (var i = 0; i < list.Count; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"{list[i].Name}\",\"version\":\"{list[i].Version}\",\"source\":\"crates.io\"}},");
        }

        json.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[{string.Join(',', Enumerable.Range(0, list.Count))}]}}]}}");
        return AuditJsonParser.Parse(Encoding.UTF8.GetBytes(json.ToString())).Value!;
    }

    private static TinyImageResource TinyImage(int i, string digest) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app" + i, NamespaceProperty = "bench", Uid = "uid-" + i },
        Spec = new TinyImageSpec { Binary = "app", Verify = new VerifySpec { Advisories = new AdvisoriesSpec() } },
        Status = new TinyImageStatus
        {
            Conditions = [],
            Image = new ImageStatus { Digest = digest },
            Serving = new ServingStatus { Digest = digest },
            Sbom = new SbomStatus { PackageCount = 1 },
        },
    };

    private static V1ConfigMap SbomConfigMap(TinyImageResource tinyImage, string bom) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = VerifyReconciler.SbomConfigMapName(tinyImage.Metadata.Name),
            NamespaceProperty = "bench",
            Annotations = new Dictionary<string, string> { [VerifyReconciler.VerifiedDigestAnnotation] = tinyImage.Status!.Image!.Digest! },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "tinyimage.dev/v1alpha1", Kind = "TinyImage", Name = tinyImage.Metadata.Name, Uid = tinyImage.Metadata.Uid, Controller = true }],
        },
        Data = new Dictionary<string, string> { [VerifyReconciler.SbomKey] = bom },
    };

    /// <summary>The snapshot plus one advisory for a package of the database, as the upstream tar.gz.</summary>
    private static byte[] Archive(string root)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var dir in new[] { "crates", "rust" }.Select(c => Path.Combine(root, c)).Where(Directory.Exists))
            {
                foreach (var path in Directory.EnumerateFiles(dir, "*.md", SearchOption.AllDirectories))
                {
                    tar.WriteEntry(path, "advisory-db-bench/" + Path.GetRelativePath(root, path).Replace('\\', '/'));
                }
            }

            var added = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"smallvec\"\ndate = \"2099-01-01\"\n\n[versions]\npatched = [\">= 99.0.0\"]\n```\n\n# added\n";
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "advisory-db-bench/crates/smallvec/RUSTSEC-2099-0001.md") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(added)) };
            tar.WriteEntry(entry);
        }

        return output.ToArray();
    }

    private static long LiveBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Mib(double bytes) => (bytes / (1024.0 * 1024.0)).ToString("F2", CultureInfo.InvariantCulture);
}
