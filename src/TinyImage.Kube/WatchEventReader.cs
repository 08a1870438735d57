using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TinyImage.Kube;

/// <summary>
/// Parses a watch stream: newline-delimited JSON objects <c>{"type":"ADDED","object":{...}}</c>. Reads lines into a
/// growing buffer, finds the <c>type</c> and <c>object</c> members with <see cref="Utf8JsonReader"/> and deserializes
/// the object's bytes with source-generated metadata.
/// </summary>
public static class WatchEventReader
{
    private const int MaxLineBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, JsonTypeInfo<T> itemInfo, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        var buffer = new byte[16 * 1024];
        var start = 0;
        var end = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineStart = start;
                start += newline + 1;
                if (!IsBlank(buffer, lineStart, newline))
                {
                    yield return Parse(buffer.AsSpan(lineStart, newline), itemInfo);
                }

                continue;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length >= MaxLineBytes)
                {
                    throw new JsonException("A watch event is larger than " + MaxLineBytes + " bytes.");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (!IsBlank(buffer, start, end - start))
                {
                    yield return Parse(buffer.AsSpan(start, end - start), itemInfo);
                }

                yield break;
            }

            end += read;
        }
    }

    /// <summary>Parses one event. Throws <see cref="JsonException"/> when the line is not a watch event.</summary>
    public static WatchEvent<T> Parse<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> itemInfo)
        where T : class
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A watch event must be a JSON object.");
        }

        string? type = null;
        var objectStart = -1;
        var objectLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("A watch event's type must be a string.");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectStart = (int)reader.TokenStartIndex;
                reader.Skip();
                objectLength = (int)reader.BytesConsumed - objectStart;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (objectStart < 0)
        {
            throw new JsonException("A watch event has no object.");
        }

        var body = line.Slice(objectStart, objectLength);
        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new JsonException("Unknown watch event type '" + type + "'."),
        };
        if (eventType == WatchEventType.Error)
        {
            return new WatchEvent<T>(eventType, null, JsonSerializer.Deserialize(body, KubeJsonContext.Default.V1Status));
        }

        var value = JsonSerializer.Deserialize(body, itemInfo) ?? throw new JsonException("A watch event's object is null.");
        return new WatchEvent<T>(eventType, value, null);
    }

    private static bool IsBlank(byte[] buffer, int start, int length) =>
        buffer.AsSpan(start, length).Trim(" \t\r"u8).IsEmpty;
}
