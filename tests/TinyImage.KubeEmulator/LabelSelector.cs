using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>A parsed <c>labelSelector</c>: equality, <c>!=</c>, <c>in</c>, <c>notin</c>, exists, <c>!key</c>, <c>gt</c>/<c>lt</c>.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Parses a selector; returns null and an error message when it is malformed.</summary>
    public static LabelSelector? Parse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                error = $"unable to parse requirement: found '', expected: identifier";
                return null;
            }

            var req = ParseRequirement(part, out error);
            if (req is null)
            {
                return null;
            }

            requirements.Add(req);
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject obj) => Matches(Labels(obj));

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    internal static Dictionary<string, string> Labels(JsonObject obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                if (v is JsonValue value && value.TryGetValue<string>(out var s))
                {
                    result[k] = s;
                }
            }
        }

        return result;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Func<IReadOnlyDictionary<string, string>, bool>? ParseRequirement(string part, out string? error)
    {
        error = null;
        if (part.StartsWith('!'))
        {
            var key = part[1..].Trim();
            if (!ValidKey(key))
            {
                error = $"unable to parse requirement: invalid label key \"{key}\"";
                return null;
            }

            return labels => !labels.ContainsKey(key);
        }

        foreach (var (op, kind) in new[] { ("!=", "ne"), ("==", "eq"), ("=", "eq"), (">", "gt"), ("<", "lt") })
        {
            var idx = part.IndexOf(op, StringComparison.Ordinal);
            if (idx <= 0)
            {
                continue;
            }

            var key = part[..idx].Trim();
            var value = part[(idx + op.Length)..].Trim();
            if (!ValidKey(key))
            {
                error = $"unable to parse requirement: invalid label key \"{key}\"";
                return null;
            }

            switch (kind)
            {
                case "eq":
                    return labels => labels.TryGetValue(key, out var v) && v == value;
                case "ne":
                    return labels => !labels.TryGetValue(key, out var v) || v != value;
                default:
                    if (!long.TryParse(value, out var bound))
                    {
                        error = $"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";
                        return null;
                    }

                    return kind == "gt"
                        ? labels => labels.TryGetValue(key, out var v) && long.TryParse(v, out var n) && n > bound
                        : labels => labels.TryGetValue(key, out var v) && long.TryParse(v, out var n) && n < bound;
            }
        }

        var tokens = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tokens.Length == 1)
        {
            var key = tokens[0];
            if (!ValidKey(key))
            {
                error = $"unable to parse requirement: invalid label key \"{key}\"";
                return null;
            }

            return labels => labels.ContainsKey(key);
        }

        var setKey = tokens[0];
        var rest = tokens[1];
        var notIn = rest.StartsWith("notin", StringComparison.Ordinal);
        if (!notIn && !rest.StartsWith("in", StringComparison.Ordinal))
        {
            error = $"unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt";
            return null;
        }

        var list = rest[(notIn ? 5 : 2)..].Trim();
        if (!list.StartsWith('(') || !list.EndsWith(')'))
        {
            error = $"unable to parse requirement: found '{list}', expected: '('";
            return null;
        }

        var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (!ValidKey(setKey))
        {
            error = $"unable to parse requirement: invalid label key \"{setKey}\"";
            return null;
        }

        return notIn
            ? labels => !labels.TryGetValue(setKey, out var v) || !values.Contains(v)
            : labels => labels.TryGetValue(setKey, out var v) && values.Contains(v);
    }

    private static bool ValidKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
}
