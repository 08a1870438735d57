using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TinyImage.Testing;

/// <summary>Test helper: YAML streams to JSON with the YAML 1.2 core schema (what kubectl and the API server read).</summary>
public static partial class YamlDocuments
{
    public static IReadOnlyList<JsonNode?> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode))];
    }

    public static JsonNode? ParseSingle(string yaml) => Parse(yaml) switch
    {
        [var only] => only,
        var all => throw new InvalidOperationException("Expected one YAML document, found " + all.Count),
    };

    public static IReadOnlyList<JsonObject> ParseFile(string path) => [.. Parse(File.ReadAllText(path)).OfType<JsonObject>()];

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray([.. s.Children.Select(ToJson)]),
        YamlScalarNode s => Scalar(s),
        _ => throw new NotSupportedException("Unsupported YAML node " + node.NodeType),
    };

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v);
        }

        if (v is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (v is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (v is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Integer().IsMatch(v))
        {
            return JsonValue.Create(long.Parse(v, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(v))
        {
            return JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(v);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
