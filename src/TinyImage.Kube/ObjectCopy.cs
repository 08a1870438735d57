using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace TinyImage.Kube;

/// <summary>Deep copies through source-generated JSON (cached objects are shared: copy before changing).</summary>
public static class ObjectCopy
{
    public static T Clone<T>(T value, JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, info), info) ?? throw new JsonException("clone produced null");

    public static string Json<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);
}
