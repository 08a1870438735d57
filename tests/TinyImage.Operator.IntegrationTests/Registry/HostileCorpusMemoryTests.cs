using System.Diagnostics;
using System.Globalization;
using System.Text;
using TinyImage.Oci.Tests;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The hostile images of the corpus pushed to the real docker-registry and read by <c>tinyimage-operator verify</c> as a
/// process of its own: each ends in its named reason, and the process's peak resident memory (measured by
/// <c>/usr/bin/time</c>) stays below 192 MiB, the GC heap cap under the operator's chart memory limit (256Mi, which also covers 1,000 TinyImages' caches). Each case prints what it measured.
/// The binary is the Debug build (JIT, the larger footprint) unless <c>TINYIMAGE_OPERATOR_BINARY</c> names the NativeAOT one.
/// </summary>
public sealed class HostileCorpusMemoryTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    /// <summary>
    /// The bound for one verification alone: 192 MiB, the GC's heap cap (75 %) under the chart's limit (256Mi in
    /// charts/tinyimage-operator/values.yaml resources.limits.memory, sized for the caches of 1,000 TinyImages as well).
    /// </summary>
    private const long HeapCapBytes = 192L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cases => new()
    {
        { "baseline", "Verified" },
        { "pax-name-flood", "ImageTooLarge" },
        { "gzip-bomb", "ImageTooLarge" },
        { "zstd-bomb", "ImageTooLarge" },
        { "ten-thousand-layers", "ImageTooLarge" },
        { "package-flood", "SbomTooLarge" },
    };

    /// <summary>The image of one case (also run against the operator's container by <c>ContainerizedHostileCorpusTests</c>).</summary>
    internal static TestImage Build(string attack) => attack switch
    {
        "baseline" => BinaryImage("app", Elf(SyntheticBinaries.ValidJson)),
        "pax-name-flood" => Image([HostileLayers.PaxNameFlood(20_000, 4_000)]),
        "gzip-bomb" => Image([HostileLayers.GzipBomb(520L << 20)]),
        "zstd-bomb" => Image([HostileLayers.ZstdBomb(48L << 20, windowLog: 27)]),
        "ten-thousand-layers" => HostileLayers.RepeatedLayer(10_000),
        "package-flood" => BinaryImage("app", Elf(PackageFlood(10_001))),
        _ => throw new ArgumentOutOfRangeException(nameof(attack)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_Image_Ends_In_Its_Named_Reason_Below_The_Chart_Memory_Limit(string attack, string reason)
    {
        registry.SkipIfUnavailable();
        if (!System.IO.File.Exists("/usr/bin/time"))
        {
            Assert.Skip("/usr/bin/time is not installed: peak memory cannot be measured here.");
        }

        string digest;
        using (var client = registry.Client())
        {
            digest = await Build(attack).PushAsync(client, registry.Ref("corpus/" + attack), "v1", Ct);
        }

        var (exit, stdout, stderr, peakKiB) = await VerifyAsync($"{registry.Host}/corpus/{attack}@{digest}");

        var peak = peakKiB * 1024;
        TestContext.Current.TestOutputHelper!.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{attack}: exit {exit}, peak RSS {peak / 1048576.0:0.0} MiB of the {HeapCapBytes / 1048576} MiB bound (the heap cap under the chart's limit); {(stdout + stderr).Split('\n').FirstOrDefault(l => l.StartsWith(reason + ":", StringComparison.Ordinal))}"));
        Assert.Contains(reason + ":", stdout + stderr, StringComparison.Ordinal);
        Assert.InRange(peak, 1, HeapCapBytes - 1);
    }

    private static byte[] Elf(string json) => SyntheticBinaries.Elf(is64: true, bigEndian: false, SyntheticBinaries.Zlib(json)).Bytes;

    private static string PackageFlood(int packages)
    {
        var json = new StringBuilder("{\"packages\":[");
        for (var i = 0; i < packages; i++)
        {
            json.Append("{\"name\":\"flood").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\",\"version\":\"1.0.0\",\"source\":\"crates.io\"},");
        }

        return json.Append("{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true}]}").ToString();
    }

    /// <summary>Runs <c>tinyimage-operator verify</c> under <c>/usr/bin/time -f %M</c>; the last stderr line is the peak RSS in KiB.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr, long PeakKiB)> VerifyAsync(string reference)
    {
        // The operator as built (JIT), or the binary TINYIMAGE_OPERATOR_BINARY names (the NativeAOT publish output).
        var binary = Environment.GetEnvironmentVariable("TINYIMAGE_OPERATOR_BINARY") is { Length: > 0 } named ? named
            : RepoPaths.Repo("src", "TinyImage.Operator", "bin", "Debug", "net10.0", "tinyimage-operator");
        if (!System.IO.File.Exists(binary))
        {
            Assert.Skip(binary + " is not built.");
        }

        var start = new ProcessStartInfo("/usr/bin/time")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", "%M", binary, "verify", reference, "--insecure", LoopbackAllowed.Flag })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(5), Ct);
        var err = await stderr;
        var last = err.TrimEnd().Split('\n')[^1];
        return (process.ExitCode, await stdout, err, long.Parse(last, CultureInfo.InvariantCulture));
    }
}
