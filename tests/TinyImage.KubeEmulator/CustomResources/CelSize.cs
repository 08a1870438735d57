using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// What the cost estimator knows of a value: its kind, its largest size (characters of a string, items of a list or map)
/// and, for lists and maps, its elements; for objects, the schema that names its fields.
/// </summary>
internal sealed record CelSize(CelSizeKind Kind, ulong Max, CelSize? Element = null, JsonObject? Schema = null)
{
    /// <summary>Kubernetes costs unbounded values by the largest request the server accepts (3 MiB).</summary>
    public const ulong MaxRequestSizeBytes = 3 * 1024 * 1024;

    public static CelSize Scalar { get; } = new(CelSizeKind.Scalar, 1);

    /// <summary>The size the estimator gives a value of <paramref name="schema"/> (unbounded ones by the request size).</summary>
    public static CelSize Of(JsonObject? schema)
    {
        if (schema is null)
        {
            return Scalar;
        }

        switch ((string?)schema["type"])
        {
            case "string":
                return new CelSize(CelSizeKind.String, Long(schema["maxLength"]) ?? MaxRequestSizeBytes - 2);
            case "array":
                var items = schema["items"] as JsonObject;
                return new CelSize(CelSizeKind.List, Long(schema["maxItems"]) ?? (MaxRequestSizeBytes - 2) / (MinSize(items) + 1), Of(items));
            case "object" when schema["additionalProperties"] is JsonObject values:
                return new CelSize(CelSizeKind.Map, Long(schema["maxProperties"]) ?? (MaxRequestSizeBytes - 2) / (MinSize(values) + 4), Of(values));
            case "object":
                return new CelSize(CelSizeKind.Object, 1, Schema: schema);
            default:
                return Scalar;
        }
    }

    /// <summary>How many times a rule at a list item or map value can run: the list's or map's largest size.</summary>
    public static ulong Cardinality(JsonObject container)
    {
        var size = Of(container);
        return size.Kind is CelSizeKind.List or CelSizeKind.Map ? size.Max : 1;
    }

    /// <summary>The smallest JSON text of a value of the schema (as upstream's estimate of the minimal serialized size).</summary>
    private static ulong MinSize(JsonObject? schema) => (string?)schema?["type"] switch
    {
        "string" => 2,
        "boolean" => 4,
        "integer" or "number" => 1,
        "object" or "array" => 2,
        _ => 1,
    };

    private static ulong? Long(JsonNode? n) => JsonNumbers.Long(n) is { } v && v >= 0 ? (ulong)v : null;
}
