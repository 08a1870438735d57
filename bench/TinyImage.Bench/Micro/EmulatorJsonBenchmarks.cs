using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using TinyImage.KubeEmulator;
using TinyImage.KubeEmulator.FieldValidation;

namespace TinyImage.Bench.Micro;

/// <summary>
/// What one stored object costs the emulator in each JSON representation it moves through, on two objects as the strict
/// emulator stores them at the end of a scale run (<c>Fixtures/</c>: the build Job's Succeeded pod, 5.2 KB, and the rolled-out
/// Deployment, 3.1 KB): a request body or a cold object read into a tree (<see cref="LastWinsJson"/>), a tree copied for a
/// write (<see cref="JsonNode.DeepClone"/>), a version serialized once for its watches (<see cref="JsonBytes.Of(JsonNode)"/>),
/// a write compared with the stored version (<c>JsonSpelling.Same</c>); beside them the floors of a bytes-first store:
/// <see cref="JsonDocument"/>'s parse, a bare <see cref="Utf8JsonReader"/> pass, and a status write made by splicing the new
/// status and resourceVersion into the stored bytes (<see cref="SpliceStatus"/>, a prototype measured here only: no emulator
/// code writes this way). Public and unsealed because BenchmarkDotNet requires it.
/// </summary>
[MemoryDiagnoser]
public class EmulatorJsonBenchmarks
{
    private byte[] json = [];
    private byte[] status = [];
    private JsonObject tree = [];
    private JsonObject copy = [];

    [Params("build-pod", "deployment")]
    public string Object { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Micro", "Fixtures", Object + ".json");
        tree = LastWinsJson.Parse(File.ReadAllBytes(path), duplicates: null)!.AsObject();

        // The bytes the emulator itself writes for the object (its escaping, its member order), not the fixture file's.
        json = JsonBytes.Of(tree);
        status = JsonBytes.Of(tree["status"]!);
        copy = (JsonObject)tree.DeepClone();
        if (!JsonSpelling.Same(copy, tree) || !SpliceStatus(json, status, "12345").AsSpan().SequenceEqual(JsonBytes.Of(WithVersion(tree, "12345"))))
        {
            throw new InvalidOperationException("the fixture does not round-trip");
        }
    }

    [Benchmark(Description = "parse into a tree (LastWinsJson)")]
    public JsonNode? ParseTree() => LastWinsJson.Parse(json, duplicates: null);

    [Benchmark(Description = "parse into a JsonDocument")]
    public int ParseDocument()
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "one Utf8JsonReader pass")]
    public int Scan()
    {
        var reader = new Utf8JsonReader(json);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark(Description = "copy the tree (DeepClone)")]
    public JsonNode CopyTree() => tree.DeepClone();

    [Benchmark(Description = "serialize the tree (JsonBytes.Of)")]
    public int Serialize() => JsonBytes.Of(tree).Length;

    [Benchmark(Description = "compare with a copy (JsonSpelling.Same)")]
    public bool Compare() => JsonSpelling.Same(copy, tree);

    [Benchmark(Description = "status write spliced into the bytes")]
    public int Splice() => SpliceStatus(json, status, "12345").Length;

    /// <summary>
    /// <paramref name="stored"/> (an object's JSON as the emulator writes it: metadata before status, both top-level members)
    /// with its top-level <c>status</c> value replaced by <paramref name="newStatus"/> and <c>metadata.resourceVersion</c> by
    /// <paramref name="resourceVersion"/>: one reader pass to find the two ranges, then three copies.
    /// </summary>
    public static byte[] SpliceStatus(byte[] stored, byte[] newStatus, string resourceVersion)
    {
        var reader = new Utf8JsonReader(stored);
        reader.Read();
        int statusStart = -1, statusEnd = -1, versionStart = -1, versionEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            var isStatus = reader.ValueTextEquals("status"u8);
            reader.Read();
            if (isStatus)
            {
                statusStart = (int)reader.TokenStartIndex;
                reader.Skip();
                statusEnd = (int)reader.BytesConsumed;
            }
            else if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isVersion = reader.ValueTextEquals("resourceVersion"u8);
                    reader.Read();
                    if (isVersion)
                    {
                        versionStart = (int)reader.TokenStartIndex;
                        versionEnd = (int)reader.BytesConsumed;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (statusStart < 0 || versionStart < 0 || versionEnd > statusStart)
        {
            throw new InvalidOperationException("no metadata.resourceVersion before a status");
        }

        var version = Encoding.UTF8.GetBytes("\"" + resourceVersion + "\"");
        var result = new byte[stored.Length - (statusEnd - statusStart) + newStatus.Length - (versionEnd - versionStart) + version.Length];
        var at = 0;
        Append(stored.AsSpan(0, versionStart));
        Append(version);
        Append(stored.AsSpan(versionEnd, statusStart - versionEnd));
        Append(newStatus);
        Append(stored.AsSpan(statusEnd));
        return result;

        void Append(ReadOnlySpan<byte> part)
        {
            part.CopyTo(result.AsSpan(at));
            at += part.Length;
        }
    }

    private static JsonObject WithVersion(JsonObject obj, string resourceVersion)
    {
        var next = (JsonObject)obj.DeepClone();
        next["metadata"]!["resourceVersion"] = resourceVersion;
        return next;
    }
}
