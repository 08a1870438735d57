using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// Parses JSON as Go's decoder does: a key that appears twice in an object keeps its last value (System.Text.Json's
/// JsonObject refuses duplicates). Strict field validation reports the duplicates separately.
/// </summary>
internal static class LastWinsJson
{
    public static JsonNode? Parse(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 512 });
        if (!reader.Read())
        {
            throw new JsonException("empty body");
        }

        var node = Read(ref reader);
        if (reader.Read())
        {
            throw new JsonException("invalid character after top-level value");
        }

        return node;
    }

    private static JsonNode? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    obj[key] = Read(ref reader);
                }

                return obj;
            }

            case JsonTokenType.StartArray:
            {
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Read(ref reader));
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
}
