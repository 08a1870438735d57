using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>A parsed <c>fieldSelector</c>: <c>path=value</c>, <c>path==value</c>, <c>path!=value</c>, comma-separated.</summary>
internal sealed class FieldSelector
{
    /// <summary>The term path of an Event's computed <c>source</c> field (source.component, else reportingComponent).</summary>
    private const string EventSource = "\u0000event-source";

    private readonly List<(string Path, string Value, bool Negate)> _terms;

    private FieldSelector(List<(string, string, bool)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The exact <c>metadata.name</c> this selector requires, if any (used for watch fast paths and tests).</summary>
    public string? RequiredName => _terms.Find(t => t.Path == "metadata.name" && !t.Negate).Value;

    /// <summary>Parses a selector against the fields a resource supports; null and an error when malformed or unsupported.</summary>
    public static FieldSelector? Parse(string? text, ResourceType type, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            string path;
            string value;
            bool negate;
            var ne = part.IndexOf("!=", StringComparison.Ordinal);
            if (ne > 0)
            {
                (path, value, negate) = (part[..ne], part[(ne + 2)..], true);
            }
            else
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    error = $"invalid selector: '{text}'; can't understand '{part}'";
                    return null;
                }

                var skip = eq + 1 < part.Length && part[eq + 1] == '=' ? 2 : 1;
                (path, value, negate) = (part[..eq], part[(eq + skip)..], false);
            }

            path = path.Trim();
            if (path is not "metadata.name" and not "metadata.namespace" && !type.SelectableFields.Contains(path))
            {
                error = $"field label not supported: {path}";
                return null;
            }

            // events.k8s.io labels name the core field set the shared storage selects on (AddFieldLabelConversionsForEvent).
            if (EventConversion.IsEventsV1(type))
            {
                path = EventConversion.CoreFieldLabel(path) ?? path;
            }

            if (EventConversion.IsEvent(type) && path == "source")
            {
                path = EventSource;
            }

            terms.Add((path, value.Trim(), negate));
        }

        return new FieldSelector(terms);
    }

    /// <summary>Whether the selector has no term (every object matches).</summary>
    public bool MatchesEverything => _terms.Count == 0;

    public bool Matches(JsonObject obj) => _terms.Count == 0 || _terms.TrueForAll(t => (Lookup(obj, t.Path) == t.Value) != t.Negate);

    private static string Lookup(JsonObject obj, string path)
    {
        if (path == EventSource)
        {
            return EventConversion.SelectableValue(obj, "source") ?? "";
        }

        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }
}
