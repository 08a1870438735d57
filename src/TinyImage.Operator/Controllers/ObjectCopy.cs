using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace TinyImage.Operator.Controllers;

/// <summary>Deep copies and semantic comparison through source-generated JSON (cached objects are shared: copy before changing).</summary>
internal static class ObjectCopy
{
    public static T Clone<T>(T value, JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, info), info) ?? throw new JsonException("clone produced null");

    public static string Json<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    /// <summary>
    /// True when every field <paramref name="desired"/> sets has the same value in <paramref name="actual"/>: fields the
    /// API server defaulted or other controllers added do not count as differences, so steady state costs no writes.
    /// </summary>
    public static bool IsSubset<T>(T desired, T actual, JsonTypeInfo<T> info) =>
        IsSubset(JsonSerializer.SerializeToNode(desired, info), JsonSerializer.SerializeToNode(actual, info));

    public static bool IsSubset(JsonNode? desired, JsonNode? actual)
    {
        switch (desired)
        {
            case null:
                return true;
            case JsonObject desiredObject:
                if (actual is not JsonObject actualObject)
                {
                    return false;
                }

                foreach (var (name, value) in desiredObject)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (!actualObject.TryGetPropertyValue(name, out var actualValue) || !IsSubset(value, actualValue))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray desiredArray:
                if (actual is not JsonArray actualArray || actualArray.Count != desiredArray.Count)
                {
                    return false;
                }

                for (var i = 0; i < desiredArray.Count; i++)
                {
                    if (!IsSubset(desiredArray[i], actualArray[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return actual is not null && JsonNode.DeepEquals(desired, actual);
        }
    }
}
