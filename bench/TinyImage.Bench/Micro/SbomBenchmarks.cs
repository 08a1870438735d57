using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using TinyImage.Sbom;

namespace TinyImage.Bench.Micro;

/// <summary>
/// The SBOM layer's hot paths, each on its own: finding <c>.dep-v0</c> in the ELF section table, inflating it, parsing and
/// validating the JSON, and all of it from a stream. <c>Packages</c> = 1 is the real fixture binary's SBOM
/// (rustsec hello-world); 100 and 2000 are synthetic SBOMs of that many crates (a large Rust service has a few hundred).
/// Public and unsealed because BenchmarkDotNet requires it.
/// </summary>
[MemoryDiagnoser]
public class SbomBenchmarks
{
    private byte[] binary = [];
    private byte[] compressed = [];
    private byte[] json = [];

    /// <summary>The fixture binary (set by the harness through the environment).</summary>
    public static string FixturePath => Environment.GetEnvironmentVariable("BENCH_FIXTURE") ?? throw new InvalidOperationException("BENCH_FIXTURE is not set");

    [Params(1, 100, 2000)]
    public int Packages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        binary = File.ReadAllBytes(FixturePath);
        using var stream = new MemoryStream(binary, writable: false);
        var view = new BinaryView(stream);
        var section = AuditSectionLocator.Locate(view).Value!;
        var real = AuditDataReader.ReadSection(view, section).Value!;
        compressed = Packages == 1 ? real : Compress(SyntheticJson(Packages));
        json = AuditDataDecoder.Inflate(compressed).Value!;
        if (!AuditJsonParser.Parse(json).IsSuccess)
        {
            throw new InvalidOperationException("the synthetic SBOM does not validate");
        }
    }

    [Benchmark(Description = "locate .dep-v0 (ELF headers)")]
    public long LocateSection()
    {
        using var stream = new MemoryStream(binary, writable: false);
        return AuditSectionLocator.Locate(new BinaryView(stream)).Value!.Offset;
    }

    [Benchmark(Description = "inflate (zlib)")]
    public int Inflate() => AuditDataDecoder.Inflate(compressed).Value!.Length;

    [Benchmark(Description = "parse + validate JSON")]
    public int ParseAndValidate() => AuditJsonParser.Parse(json).Value!.Packages.Length;

    [Benchmark(Description = "decode (inflate + parse + validate)")]
    public int Decode() => AuditDataDecoder.Decode(compressed).Value!.Packages.Length;

    [Benchmark(Description = "read from binary stream (fixture, 1 package)")]
    public int ReadFromStream()
    {
        using var stream = new MemoryStream(binary, writable: false);
        return AuditDataReader.Read(stream).Value!.Packages.Length;
    }

    /// <summary>cargo-auditable's shape: the root (index 0) depends on every other crate, indices sorted.</summary>
    internal static byte[] SyntheticJson(int packages)
    {
        var sb = new StringBuilder("{\"packages\":[");
        for (var i = 0; i < packages; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"crate-{i}\",\"version\":\"1.{i % 50}.{i}\",\"source\":\"{(i == 0 ? "local" : "crates.io")}\"");
            if (i == 0)
            {
                sb.Append(",\"dependencies\":[").AppendJoin(',', Enumerable.Range(1, packages - 1)).Append("],\"root\":true");
            }

            sb.Append('}');
        }

        return Encoding.UTF8.GetBytes(sb.Append("],\"format\":1}").ToString());
    }

    private static byte[] Compress(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return buffer.ToArray();
    }
}
