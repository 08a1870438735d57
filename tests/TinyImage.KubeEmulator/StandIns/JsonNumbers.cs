using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Reads a JSON number whether it was parsed (a JsonElement) or built in memory as an int or a long.</summary>
public static class JsonNumbers
{
    /// <summary>The node as a long, or null when it is absent or not an integer.</summary>
    public static long? Long(JsonNode? node) =>
        node is not JsonValue v ? null
        : v.TryGetValue<long>(out var l) ? l
        : v.TryGetValue<int>(out var i) ? i
        : v.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var parsed) ? parsed
        : null;

    /// <summary>The node as an int, or null when it is absent, not an integer or out of range.</summary>
    public static int? Int(JsonNode? node) => Long(node) is { } l and >= int.MinValue and <= int.MaxValue ? (int)l : null;
}
