using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// One node of an openAPIV3Schema with what validation reads from it, read once when the schema is prepared instead of
/// from the JSON on every write: the type, the bounds, a pattern Go would compile, the enum, the required fields, the
/// child nodes, the x-kubernetes-validations rules and whether any rule sits at or below it.
/// </summary>
internal sealed class SchemaNode
{
    public SchemaNode(JsonObject json)
    {
        Json = json;
        Type = (string?)json["type"];
        IntOrString = IsTrue(json["x-kubernetes-int-or-string"]);
        Nullable = IsTrue(json["nullable"]);
        Enum = json["enum"] as JsonArray;
        MaxLength = JsonNumbers.Long(json["maxLength"]);
        MinLength = JsonNumbers.Long(json["minLength"]);
        Pattern = (string?)json["pattern"] is { } pattern && Re2Pattern.Error(pattern) is null ? pattern : null;
        Maximum = Number(json["maximum"]);
        Minimum = Number(json["minimum"]);
        MaxItems = JsonNumbers.Long(json["maxItems"]);
        MinItems = JsonNumbers.Long(json["minItems"]);
        MaxProperties = JsonNumbers.Long(json["maxProperties"]);
        MinProperties = JsonNumbers.Long(json["minProperties"]);
        Required = (json["required"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>().ToArray();
        ListType = (string?)json["x-kubernetes-list-type"];
        ListMapKeys = (json["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => (string?)k).OfType<string>().ToArray();
        if (json["properties"] is JsonObject properties)
        {
            Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            var list = new List<KeyValuePair<string, SchemaNode>>(properties.Count);
            foreach (var (name, p) in properties)
            {
                if (p is JsonObject o)
                {
                    var node = new SchemaNode(o);
                    Properties[name] = node;
                    list.Add(KeyValuePair.Create(name, node));
                }
            }

            PropertyList = [.. list];
        }
        else
        {
            PropertyList = [];
        }

        Additional = json["additionalProperties"] is JsonObject ap ? new SchemaNode(ap) : null;
        PreserveUnknownFields = IsTrue(json["x-kubernetes-preserve-unknown-fields"]) || IsTrue(json["additionalProperties"]);
        EmbeddedResource = IsTrue(json["x-kubernetes-embedded-resource"]);
        Default = json["default"];
        Items = json["items"] is JsonObject items ? new SchemaNode(items) : null;
        Rules = (json["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>().Where(r => (string?)r["rule"] is not null).ToArray();
        var children = (Properties?.Values ?? Enumerable.Empty<SchemaNode>()).Append(Additional).Append(Items).OfType<SchemaNode>().ToList();
        HasRules = Rules.Length > 0 || children.Any(c => c.HasRules);
        HasTransitionRules = Rules.Any(r => ((string)r["rule"]!).Contains("oldSelf", StringComparison.Ordinal)) || children.Any(c => c.HasTransitionRules);
    }

    /// <summary>The node's JSON (the schema's private copy: read it, never change it).</summary>
    public JsonObject Json { get; }

    public string? Type { get; }

    public bool IntOrString { get; }

    public bool Nullable { get; }

    public JsonArray? Enum { get; }

    public long? MaxLength { get; }

    public long? MinLength { get; }

    /// <summary>The pattern, when Go's regexp.Compile accepts it (kube-openapi skips a pattern that does not compile).</summary>
    public string? Pattern { get; }

    public double? Maximum { get; }

    public double? Minimum { get; }

    public long? MaxItems { get; }

    public long? MinItems { get; }

    public long? MaxProperties { get; }

    public long? MinProperties { get; }

    public string[] Required { get; }

    /// <summary>x-kubernetes-list-type (null: atomic).</summary>
    public string? ListType { get; }

    public string[] ListMapKeys { get; }

    public Dictionary<string, SchemaNode>? Properties { get; }

    /// <summary>The properties in the schema's order (the order defaults are added in).</summary>
    public KeyValuePair<string, SchemaNode>[] PropertyList { get; }

    /// <summary>x-kubernetes-preserve-unknown-fields, or additionalProperties: true: pruning keeps unknown fields.</summary>
    public bool PreserveUnknownFields { get; }

    /// <summary>x-kubernetes-embedded-resource: apiVersion, kind and metadata are kept as at the root.</summary>
    public bool EmbeddedResource { get; }

    /// <summary>The default (null when none, or a JSON null).</summary>
    public JsonNode? Default { get; }

    public SchemaNode? Additional { get; }

    public SchemaNode? Items { get; }

    /// <summary>The x-kubernetes-validations entries with a rule, in order.</summary>
    public JsonObject[] Rules { get; }

    /// <summary>A rule sits on this node or below it.</summary>
    public bool HasRules { get; }

    /// <summary>A transition rule (one that reads oldSelf) sits on this node or below it.</summary>
    public bool HasTransitionRules { get; }

    /// <summary>The schema of a property: a declared one, else additionalProperties' (null when neither).</summary>
    public SchemaNode? Child(string key) => Properties is not null && Properties.TryGetValue(key, out var p) ? p : Additional;

    /// <summary>
    /// The item of <paramref name="oldList"/> an item of the new list is correlated with for ratcheting (apiserver
    /// <c>cel/common/equality.go</c>, <c>correlateOldValueForChildAtNewIndex</c>): only in a list of type map, the old item
    /// with the same map keys; items of atomic lists and sets are not correlated (null).
    /// </summary>
    public JsonNode? CorrelatedItem(JsonArray oldList, JsonNode? item)
    {
        if (ListType != "map" || ListMapKeys.Length == 0 || item is not JsonObject o)
        {
            return null;
        }

        foreach (var candidate in oldList)
        {
            if (candidate is JsonObject c && ListMapKeys.All(k => o.TryGetPropertyValue(k, out var a) && c.TryGetPropertyValue(k, out var b) && JsonNode.DeepEquals(a, b)))
            {
                return c;
            }
        }

        return null;
    }

    private static bool IsTrue(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>A JSON number as a double (null for anything else).</summary>
    public static double? Number(JsonNode? n) => n switch
    {
        JsonValue v when JsonNumbers.Long(v) is { } l => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number => e.GetDouble(),
        _ => null,
    };
}
