using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary>
/// The <c>pod-template-hash</c> (pkg/controller/controller_utils.go <c>ComputeHash</c>): FNV-1a 32 of the pod template plus the
/// collision count, written as its decimal digits mapped through apimachinery's <c>rand.SafeEncodeString</c> alphabet. The
/// real hash feeds Go's spew dump of the struct; here the template's canonical JSON is hashed, so the values differ from a
/// real cluster's but have their form and their stability (same template and collision count, same hash).
/// </summary>
internal static class PodTemplateHash
{
    private const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_canonical;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string Compute(JsonObject template, int? collisionCount)
    {
        var hash = 2166136261u;
        void Write(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 16777619u;
            }
        }

        // One buffer and writer per thread, reused: the canonical JSON is hashed and dropped.
        var canonical = t_canonical ??= new System.Buffers.ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(canonical);
        canonical.ResetWrittenCount();
        writer.Reset(canonical);
        WriteCanonical(writer, template);
        writer.Flush();
        Write(canonical.WrittenSpan);
        if (collisionCount is { } c)
        {
            Span<byte> le = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(le, (uint)c);
            Write(le);
        }

        return SafeEncode(hash.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary><c>rand.SafeEncodeString</c>: each character mapped to the vowel-free alphabet, so no words appear.</summary>
    public static string SafeEncode(string s) => string.Create(s.Length, s, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = Alphanums[source[i] % Alphanums.Length];
        }
    });

    /// <summary>
    /// <c>EqualIgnoreHash</c>: two pod templates are the same rollout when they are equal without the pod-template-hash label
    /// (an empty label map equals an absent one, as apimachinery's semantic equality has it).
    /// </summary>
    public static bool EqualIgnoreHash(JsonObject a, JsonObject b)
    {
        // Compared in place (this runs on every Deployment sync): as JSON equality of the templates with that label removed.
        return SameExcept(a, b, "metadata") && SameMetadata(a["metadata"], b["metadata"]);
    }

    private static bool SameMetadata(JsonNode? a, JsonNode? b)
    {
        if (a is not JsonObject am || b is not JsonObject bm)
        {
            return JsonNode.DeepEquals(a, b);
        }

        if (!SameExcept(am, bm, "labels"))
        {
            return false;
        }

        var aPresent = LabelsLeft(am, out var al);
        if (aPresent != LabelsLeft(bm, out var bl))
        {
            return false;
        }

        return !aPresent || (al is JsonObject alm && bl is JsonObject blm
            ? SameExcept(alm, blm, ReplicaSetView.PodTemplateHashLabel)
            : JsonNode.DeepEquals(al, bl));
    }

    /// <summary>Whether metadata keeps a labels field once the hash label is removed (a map left empty is dropped).</summary>
    private static bool LabelsLeft(JsonObject meta, out JsonNode? labels) =>
        meta.TryGetPropertyValue("labels", out labels)
        && (labels is not JsonObject map || map.Count > (map.ContainsKey(ReplicaSetView.PodTemplateHashLabel) ? 1 : 0));

    /// <summary>JSON equality of two objects without one key.</summary>
    private static bool SameExcept(JsonObject a, JsonObject b, string ignored)
    {
        var count = 0;
        foreach (var (key, value) in a)
        {
            if (key == ignored)
            {
                continue;
            }

            count++;
            if (!b.TryGetPropertyValue(key, out var other) || !JsonNode.DeepEquals(value, other))
            {
                return false;
            }
        }

        return count == b.Count - (b.ContainsKey(ignored) ? 1 : 0);
    }

    /// <summary>
    /// The template as JSON with every object's keys in ordinal order, written straight out (the bytes the hash has always
    /// been taken of: a sorted copy of the tree written with the default encoder).
    /// </summary>
    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var keys = new string[o.Count];
                var i = 0;
                foreach (var (key, _) in o)
                {
                    keys[i++] = key;
                }

                Array.Sort(keys, StringComparer.Ordinal);
                writer.WriteStartObject();
                foreach (var key in keys)
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, o[key]);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue v:
                v.WriteTo(writer);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
