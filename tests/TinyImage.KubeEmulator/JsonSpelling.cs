using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// Whether two JSON nodes are written as the same bytes: the same members in the same order, the same strings, numbers
/// spelled alike. Stricter than <see cref="JsonNode.DeepEquals"/>, which holds 1 and 1.0 equal and ignores the order of an
/// object's members: a node found "equal" that way cannot stand in for a stored one without changing what is served.
/// </summary>
internal static class JsonSpelling
{
    public static bool Same(JsonNode? a, JsonNode? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    var (xKey, xValue) = x.GetAt(i);
                    var (yKey, yValue) = y.GetAt(i);
                    if (!string.Equals(xKey, yKey, StringComparison.Ordinal) || !Same(xValue, yValue))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!Same(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonValue x, JsonValue y):
                var kind = x.GetValueKind();
                if (kind != y.GetValueKind())
                {
                    return false;
                }

                return kind switch
                {
                    JsonValueKind.String => string.Equals(x.GetValue<string>(), y.GetValue<string>(), StringComparison.Ordinal),
                    JsonValueKind.Number => SameNumber(x, y),
                    _ => true, // true, false (null is a null node, handled above)
                };
            default:
                return false;
        }
    }

    private static bool SameNumber(JsonValue x, JsonValue y)
    {
        if (x.TryGetValue<JsonElement>(out var xe) && y.TryGetValue<JsonElement>(out var ye))
        {
            return JsonMarshal.GetRawUtf8Value(xe).SequenceEqual(JsonMarshal.GetRawUtf8Value(ye));
        }

        if (Integer(x) is { } xi && Integer(y) is { } yi)
        {
            return xi == yi;
        }

        // Mixed (parsed text against a .NET number) or other number types: compared as written.
        return string.Equals(x.ToJsonString(), y.ToJsonString(), StringComparison.Ordinal);
    }

    private static long? Integer(JsonValue v) =>
        v.TryGetValue<JsonElement>(out _) ? null
        : v.TryGetValue<int>(out var i) ? i
        : v.TryGetValue<long>(out var l) ? l
        : null;
}
