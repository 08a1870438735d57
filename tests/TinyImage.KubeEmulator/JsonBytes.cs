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
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The node's JSON, as <c>Encoding.UTF8.GetBytes(node.ToJsonString())</c>.</summary>
    public static byte[] Of(JsonNode node) => Write(node).WrittenSpan.ToArray();

    /// <summary>How many bytes the node's JSON takes (the etcd size check), as <c>UTF8.GetByteCount(node.ToJsonString())</c>.</summary>
    public static int Size(JsonNode node) => Write(node).WrittenCount;

    /// <summary>The JSON <paramref name="write"/> writes, through the same reused writer (the bytes a node of that content gives).</summary>
    public static byte[] Of(Action<Utf8JsonWriter> write) => Write(write).WrittenSpan.ToArray();

    private static ArrayBufferWriter<byte> Write(JsonNode node) => Write(w => node.WriteTo(w));

    private static ArrayBufferWriter<byte> Write(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        write(writer);
        writer.Flush();
        return buffer;
    }
}
