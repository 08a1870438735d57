using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Reads integers from JsonNodes whatever CLR type backs them (parsed JSON, int, long).</summary>
internal static class JsonNumbers
{
    public static long? Long(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var el) => el,
        _ => null,
    };
}
