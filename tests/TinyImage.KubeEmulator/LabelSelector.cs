using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>A parsed <c>labelSelector</c>: equality, <c>!=</c>, <c>in</c>, <c>notin</c>, exists, <c>!key</c>, <c>gt</c>/<c>lt</c>.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements;

    private LabelSelector(List<Func<JsonObject?, bool>> requirements, List<(string Key, string Value)> equalities)
    {
        _requirements = requirements;
        Equalities = equalities;
    }

    public static LabelSelector Everything { get; } = new([], []);

    /// <summary>Whether the selector has no requirement (every object matches).</summary>
    public bool MatchesEverything => _requirements.Count == 0;

    /// <summary>
    /// The <c>key=value</c> (and <c>key==value</c>) requirements: every match has these labels, so a store may look
    /// its candidates up in an index by label and test the whole selector on those alone.
    /// </summary>
    public IReadOnlyList<(string Key, string Value)> Equalities { get; }

    /// <summary>Parses a selector; returns null and an error message when it is malformed.</summary>
    public static LabelSelector? Parse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<JsonObject?, bool>>();
        var equalities = new List<(string Key, string Value)>();
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
            if (Equality(part) is { } equality)
            {
                equalities.Add(equality);
            }
        }

        return new LabelSelector(requirements, equalities);
    }

    /// <summary>
    /// Whether the object's labels satisfy every requirement. Each requirement looks its key up in the object's labels
    /// (no copy of them: a list by label scans every object of the resource, so this runs once per stored object).
    /// </summary>
    public bool Matches(JsonObject obj)
    {
        if (_requirements.Count == 0)
        {
            return true;
        }

        var labels = obj["metadata"] is JsonObject meta && meta.TryGetPropertyValue("labels", out var l) ? l as JsonObject : null;
        foreach (var requirement in _requirements)
        {
            if (!requirement(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The key and value of a requirement already parsed as valid when it is an equality (<c>=</c> or <c>==</c>).</summary>
    private static (string Key, string Value)? Equality(string part)
    {
        if (part.Contains("!=", StringComparison.Ordinal) || part.StartsWith('!'))
        {
            return null;
        }

        var op = part.IndexOf("==", StringComparison.Ordinal) is var eq and > 0 ? (eq, 2) : (part.IndexOf('='), 1);
        return op.Item1 > 0 ? (part[..op.Item1].Trim(), part[(op.Item1 + op.Item2)..].Trim()) : null;
    }

    /// <summary>A label's value, or null when the object has no such label (or a value that is not a string).</summary>
    private static string? Label(JsonObject? labels, string key) =>
        labels is not null && labels.TryGetPropertyValue(key, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

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

    private static Func<JsonObject?, bool>? ParseRequirement(string part, out string? error)
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

            return labels => Label(labels, key) is null;
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
                    return labels => Label(labels, key) is { } v && v == value;
                case "ne":
                    return labels => Label(labels, key) is not { } v || v != value;
                default:
                    if (!long.TryParse(value, out var bound))
                    {
                        error = $"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";
                        return null;
                    }

                    return kind == "gt"
                        ? labels => Label(labels, key) is { } v && long.TryParse(v, out var n) && n > bound
                        : labels => Label(labels, key) is { } v && long.TryParse(v, out var n) && n < bound;
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

            return labels => Label(labels, key) is not null;
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
            ? labels => Label(labels, setKey) is not { } v || !values.Contains(v)
            : labels => Label(labels, setKey) is { } v && values.Contains(v);
    }

    private static bool ValidKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
}
