using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using TinyImage.Advisories;

// Usage: TinyImage.Advisories.Bench [advisory-db directory] [runs]
// Default directory: ../shared/fixtures/advisory-db beside the repository root (the folder holding Operator.sln).
var dir = args.Length > 0 ? args[0] : DefaultDirectory();
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var ct = CancellationToken.None;

// The archive as the upstream repository serves it, built once in memory from the directory.
var archive = new MemoryStream();
await using (var gzip = new GZipStream(archive, CompressionLevel.Optimal, leaveOpen: true))
await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
{
    foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    {
        await tar.WriteEntryAsync(path, "advisory-db-bench/" + Path.GetRelativePath(dir, path).Replace('\\', '/'), ct);
    }
}

Console.WriteLine($"runtime: {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}, {Environment.ProcessorCount} cores");
Console.WriteLine($"archive: {archive.Length / 1024.0:0.0} KiB gzip");

await Measure("directory", () => AdvisoryDatabase.LoadFromDirectoryAsync(dir, ct));
await Measure("tar.gz", () =>
{
    archive.Position = 0;
    return AdvisoryDatabase.LoadFromTarGzAsync(archive, null, ct);
});

// Audit: 1,000 dependency lists of 100 packages each, drawn from the database's packages (a worst case: every
// package has advisories), each with a version at a comparator boundary or 0.1.0.
var db = await AdvisoryDatabase.LoadFromDirectoryAsync(dir, ct);
var rng = new Random(42);
var names = db.Advisories.Where(a => a.Collection == AdvisoryCollection.Crates).Select(a => a.Package).Distinct().ToArray();
var lists = Enumerable.Range(0, 1000).Select(_ => Enumerable.Range(0, 100).Select(_ =>
{
    var name = names[rng.Next(names.Length)];
    var c = db.ForPackage(name).SelectMany(a => a.Patched).SelectMany(r => r.Comparators).FirstOrDefault();
    return (name, c is null ? "0.1.0" : $"{c.Major}.{c.Minor ?? 0}.{c.Patch ?? 0}");
}).ToArray()).ToArray();
var auditTimes = new List<double>();
var auditCpu = new List<double>();
var found = 0;
for (var r = 0; r < runs; r++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    found = 0;
    foreach (var list in lists)
    {
        found += db.Audit(list).Count;
    }

    auditTimes.Add(sw.Elapsed.TotalMilliseconds);
    auditCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
}

Console.WriteLine($"audit 1,000 lists x 100 packages: median {Median(auditTimes):0.0} ms (min {auditTimes.Min():0.0}, max {auditTimes.Max():0.0}), CPU median {Median(auditCpu):0.0} ms, {found} matches");
return;

async Task Measure(string label, Func<Task<AdvisoryDatabase>> load)
{
    var times = new List<double>();
    var allocated = new List<long>();
    var retained = new List<long>();
    var count = 0;
    var withdrawn = 0;
    var packages = 0;
    var revision = string.Empty;
    for (var r = 0; r < runs; r++)
    {
        var (ms, alloc, held) = await LoadOnce(load);
        times.Add(ms);
        allocated.Add(alloc);
        retained.Add(held.Bytes);
        (count, withdrawn, packages, revision) = (held.Count, held.Withdrawn, held.Packages, held.Revision);
    }

    Console.WriteLine(
        $"{label}: {count} advisories ({withdrawn} withdrawn, {packages} packages), revision {revision[..19]}; " +
        $"first run {times[0]:0.0} ms, median of the rest {Median(times.Skip(1).ToList()):0.0} ms; " +
        $"allocated {Median(allocated.Select(a => (double)a).ToList()) / 1048576:0.00} MiB; retained index {Median(retained.Select(a => (double)a).ToList()) / 1048576:0.00} MiB");
}

// One load: its time, the bytes it allocated, and the heap the loaded database holds (the live heap with it minus
// the live heap once it is dropped, both after a full collection, so caches built on the first run do not count).
// Synchronous, with the database only in a frame that has returned, so nothing keeps it alive when it is dropped.
static Task<(double Ms, long Allocated, (long Bytes, int Count, int Withdrawn, int Packages, string Revision) Held)> LoadOnce(Func<Task<AdvisoryDatabase>> load)
{
    GC.Collect();
    var (ms, allocated, with, info) = Hold(load);
    var without = GC.GetTotalMemory(forceFullCollection: true);
    return Task.FromResult((ms, allocated, (with - without, info.Count, info.Withdrawn, info.Packages, info.Revision)));
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static (double Ms, long Allocated, long With, (int Count, int Withdrawn, int Packages, string Revision) Info) Hold(Func<Task<AdvisoryDatabase>> load)
{
    var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
    var sw = Stopwatch.StartNew();
    var db = load().GetAwaiter().GetResult();
    var ms = sw.Elapsed.TotalMilliseconds;
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
    var with = GC.GetTotalMemory(forceFullCollection: true);
    var info = (db.Count, db.WithdrawnCount, db.PackageCount, db.Revision);
    GC.KeepAlive(db);
    return (ms, allocated, with, info);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
}

static string DefaultDirectory()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, "Operator.sln")))
    {
        d = d.Parent;
    }

    return d is null
        ? throw new InvalidOperationException("Operator.sln not found; pass the advisory-db directory")
        : Path.Combine(d.FullName, "..", "shared", "fixtures", "advisory-db");
}
