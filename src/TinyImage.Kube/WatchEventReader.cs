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

    public static IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, JsonTypeInfo<T> itemInfo, CancellationToken cancellationToken)
        where T : class =>
        ReadAsync(stream, itemInfo, null, cancellationToken);

    /// <summary>
    /// Reads the events of <paramref name="stream"/>. An added or modified object that <paramref name="known"/> returns
    /// for its key and resourceVersion is taken as it is instead of deserialized (see <see cref="Parse{T}(ReadOnlySpan{byte}, JsonTypeInfo{T}, Func{ObjectKey, string, T?}?)"/>).
    /// </summary>
    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, JsonTypeInfo<T> itemInfo, Func<ObjectKey, string, T?>? known, [EnumeratorCancellation] CancellationToken cancellationToken)
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
                    yield return Parse(buffer.AsSpan(lineStart, newline), itemInfo, known);
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
                    yield return Parse(buffer.AsSpan(start, end - start), itemInfo, known);
                }

                yield break;
            }

            end += read;
        }
    }

    /// <summary>Parses one event. Throws <see cref="JsonException"/> when the line is not a watch event.</summary>
    public static WatchEvent<T> Parse<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> itemInfo)
        where T : class =>
        Parse(line, itemInfo, null);

    /// <summary>
    /// Parses one event. When <paramref name="known"/> returns an object for the added or modified object's key and
    /// resourceVersion (read from its metadata without deserializing the rest), that object is the event's: one
    /// resourceVersion is one stored state, so the controller's copy of its own write's answer need not be decoded a
    /// second time from the watch (issue 17). Throws <see cref="JsonException"/> when the line is not a watch event.
    /// </summary>
    public static WatchEvent<T> Parse<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> itemInfo, Func<ObjectKey, string, T?>? known)
        where T : class
    {
        try
        {
            return Parse(line, itemInfo, known, objectLast: true);
        }
        catch (JsonException)
        {
            // The object was taken to run to the line's last brace and is not one JSON value there (a member after it,
            // or a malformed object): read the line member by member, which judges it.
            return Parse(line, itemInfo, known, objectLast: false);
        }
    }

    /// <summary>
    /// Parses one event. With <paramref name="objectLast"/>, an <c>object</c> member that follows <c>type</c> is taken to
    /// run to the line's closing brace, as the API server writes events (<c>{"type":...,"object":{...}}</c>), so the
    /// object's bytes are not scanned once to find its end before they are deserialized (issue 17, eighth round: that
    /// scan was a quarter of the watch decoding); a line it does not fit throws <see cref="JsonException"/>.
    /// </summary>
    private static WatchEvent<T> Parse<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> itemInfo, Func<ObjectKey, string, T?>? known, bool objectLast)
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
                if (objectLast && type is not null && reader.TokenType == JsonTokenType.StartObject && ObjectToLastBrace(line, objectStart) is var length and > 0)
                {
                    objectLength = length;
                    break;
                }

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

        if (known is not null && eventType is WatchEventType.Added or WatchEventType.Modified
            && PeekIdentity(body) is ({ } name, var @namespace, { } resourceVersion)
            && known(new ObjectKey(@namespace, name), resourceVersion) is { } held)
        {
            return new WatchEvent<T>(eventType, held, null);
        }

        var value = JsonSerializer.Deserialize(body, itemInfo) ?? throw new JsonException("A watch event's object is null.");
        return new WatchEvent<T>(eventType, value, null);
    }

    /// <summary>
    /// The length of the bytes from <paramref name="objectStart"/> to the line's closing brace (white space trimmed on
    /// both sides of it), or 0 when the line does not end in a brace after the object's own.
    /// </summary>
    private static int ObjectToLastBrace(ReadOnlySpan<byte> line, int objectStart)
    {
        var end = line.TrimEnd(" \t\r\n"u8).Length;
        if (end <= objectStart || line[end - 1] != (byte)'}')
        {
            return 0;
        }

        var objectEnd = line[..(end - 1)].TrimEnd(" \t\r\n"u8).Length;
        return objectEnd > objectStart && line[objectEnd - 1] == (byte)'}' ? objectEnd - objectStart : 0;
    }

    /// <summary>
    /// <c>metadata.name</c>, <c>metadata.namespace</c> and <c>metadata.resourceVersion</c> of an object's JSON, reading
    /// nothing else into memory; nulls where absent or not strings (the full deserialization then judges the object).
    /// </summary>
    internal static (string? Name, string? Namespace, string? ResourceVersion) PeekIdentity(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            string? name = null, @namespace = null, resourceVersion = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("name"u8) ? 1 : reader.ValueTextEquals("namespace"u8) ? 2 : reader.ValueTextEquals("resourceVersion"u8) ? 3 : 0;
                reader.Read();
                if (field == 0 || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                var text = reader.GetString();
                (name, @namespace, resourceVersion) = field switch
                {
                    1 => (text, @namespace, resourceVersion),
                    2 => (name, text, resourceVersion),
                    _ => (name, @namespace, text),
                };
            }

            return (name, @namespace, resourceVersion);
        }

        return default;
    }

    private static bool IsBlank(byte[] buffer, int start, int length) =>
        buffer.AsSpan(start, length).Trim(" \t\r"u8).IsEmpty;
}
