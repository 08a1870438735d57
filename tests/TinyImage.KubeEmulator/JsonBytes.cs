using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// A JSON node written as UTF-8 through one reused buffer per thread: the bytes <c>ToJsonString()</c> would give, without
/// the intermediate string, and the size of those bytes without keeping them.
/// </summary>
internal static class JsonBytes
{
    // One buffer and writer per nesting level and thread: a write can call back into this class (a list writing items
    // whose JSON is made on demand), and that inner write gets the next level's buffer instead of its own new one.
    private const int PooledLevels = 4;

    [ThreadStatic]
    private static Level?[]? t_levels;

    [ThreadStatic]
    private static int t_depth;

    /// <summary>The node's JSON, as <c>Encoding.UTF8.GetBytes(node.ToJsonString())</c>.</summary>
    public static byte[] Of(JsonNode node) => Write(node).WrittenSpan.ToArray();

    /// <summary>How many bytes the node's JSON takes (the etcd size check), as <c>UTF8.GetByteCount(node.ToJsonString())</c>.</summary>
    public static int Size(JsonNode node) => Write(node).WrittenCount;

    /// <summary>
    /// An upper bound of <see cref="Size"/> found without writing anything: a string or property name takes at most 6 bytes
    /// per UTF-16 character (the longest escape the writer uses, <c>\uXXXX</c>) and its quotes, a number 64, a value parsed
    /// from JSON 6 bytes per byte of its text, plus the punctuation. Null for a value of a type this does not bound (then
    /// only writing it tells).
    /// </summary>
    public static long? SizeBound(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonObject o:
                // By index: a foreach over a JsonObject or JsonArray allocates its enumerator, once per object of the tree.
                long total = 2 + Math.Max(0, o.Count - 1);
                for (var i = 0; i < o.Count; i++)
                {
                    var (name, value) = o.GetAt(i);
                    if (SizeBound(value) is not { } v)
                    {
                        return null;
                    }

                    total += (6L * name.Length) + 3 + v;
                }

                return total;
            case JsonArray a:
                long items = 2 + Math.Max(0, a.Count - 1);
                for (var i = 0; i < a.Count; i++)
                {
                    if (SizeBound(a[i]) is not { } v)
                    {
                        return null;
                    }

                    items += v;
                }

                return items;
            case JsonValue v when v.TryGetValue<JsonElement>(out var e):
                return 6L * System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e).Length;
            case JsonValue v:
                // By kind first: asking a value of another type for a string (or a long for a bool) boxes the value.
                return v.GetValueKind() switch
                {
                    JsonValueKind.String when v.TryGetValue<string>(out var s) => (6L * s.Length) + 2,
                    JsonValueKind.Number when v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _) || v.TryGetValue<double>(out _) => 64,
                    JsonValueKind.True or JsonValueKind.False when v.TryGetValue<bool>(out _) => 64,
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>The node's JSON as a string, as <c>ToJsonString()</c> gives it, through the reused buffer.</summary>
    public static string String(JsonNode node) => System.Text.Encoding.UTF8.GetString(Write(node).WrittenSpan);

    /// <summary>The JSON <paramref name="write"/> writes, as a string, through the reused buffer.</summary>
    public static string String(Action<Utf8JsonWriter> write) => System.Text.Encoding.UTF8.GetString(Write(write).WrittenSpan);

    /// <summary>The JSON <paramref name="write"/> writes, through the same reused writer (the bytes a node of that content gives).</summary>
    public static byte[] Of(Action<Utf8JsonWriter> write) => Write(write).WrittenSpan.ToArray();

    private static ArrayBufferWriter<byte> Write(JsonNode node) => Write(w => node.WriteTo(w));

    private static ArrayBufferWriter<byte> Write(Action<Utf8JsonWriter> write)
    {
        // The buffer returned is read (copied or measured) by the caller before this level is used again on this thread.
        var depth = t_depth;
        if (depth >= PooledLevels)
        {
            var own = new ArrayBufferWriter<byte>(4 * 1024);
            using var ownWriter = new Utf8JsonWriter(own);
            write(ownWriter);
            ownWriter.Flush();
            return own;
        }

        var levels = t_levels ??= new Level?[PooledLevels];
        var level = levels[depth] ??= new Level();
        level.Buffer.ResetWrittenCount();
        level.Writer.Reset(level.Buffer);
        t_depth = depth + 1;
        try
        {
            write(level.Writer);
            level.Writer.Flush();
        }
        finally
        {
            t_depth = depth;
        }

        return level.Buffer;
    }

    private sealed class Level
    {
        public Level() => Writer = new Utf8JsonWriter(Buffer);

        public ArrayBufferWriter<byte> Buffer { get; } = new(16 * 1024);

        public Utf8JsonWriter Writer { get; }
    }
}
