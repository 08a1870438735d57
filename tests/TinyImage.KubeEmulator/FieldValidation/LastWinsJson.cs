using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// Parses JSON as Go's decoder does: a key that appears twice in an object keeps its last value (System.Text.Json's
/// JsonObject refuses duplicates). Strict field validation reports the duplicates, which the same pass collects.
/// </summary>
internal static class LastWinsJson
{
    // Property names repeat across requests ("metadata", "name", "containers", label keys): each short ASCII one is made
    // into a string once and shared by every object parsed after, instead of a new string per key per request.
    private const int MaxInternedLength = 64;
    private const int MaxInterned = 8192;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static int _interned;

    public static JsonNode? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text), duplicates: null);

    /// <summary>
    /// Parses a UTF-8 body once; each key seen twice in one object is added to <paramref name="duplicates"/> (when given) as
    /// <c>duplicate field "x"</c>, in document order, as strict field validation names it.
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, List<string>? duplicates)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 512 });
        if (!reader.Read())
        {
            throw new JsonException("empty body");
        }

        var node = Read(ref reader, duplicates);
        if (reader.Read())
        {
            throw new JsonException("invalid character after top-level value");
        }

        return node;
    }

    private static JsonNode? Read(ref Utf8JsonReader reader, List<string>? duplicates)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = PropertyName(ref reader);
                    if (duplicates is not null && obj.ContainsKey(key))
                    {
                        duplicates.Add($"duplicate field \"{key}\"");
                    }

                    reader.Read();
                    obj[key] = Read(ref reader, duplicates);
                }

                return obj;
            }

            case JsonTokenType.StartArray:
            {
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Read(ref reader, duplicates));
                }

                return array;
            }

            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString());
            case JsonTokenType.Number:
                return JsonNode.Parse(reader.ValueSpan);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected token {reader.TokenType}");
        }
    }

    /// <summary>The property name under the reader, as <see cref="Utf8JsonReader.GetString"/> gives it; a short ASCII one shared.</summary>
    internal static string PropertyName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxInternedLength)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxInternedLength];
        if (Ascii.ToUtf16(reader.ValueSpan, chars, out var written) != OperationStatus.Done)
        {
            return reader.GetString()!;
        }

        var name = chars[..written];
        if (Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var shared))
        {
            return shared;
        }

        var made = new string(name);
        if (Volatile.Read(ref _interned) < MaxInterned && Names.TryAdd(made, made))
        {
            Interlocked.Increment(ref _interned);
        }

        return made;
    }
}
