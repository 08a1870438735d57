using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0].b</c>, <c>.a[*].b</c> (first match) and
/// <c>.a[?(@.type=="Ready")].status</c>, optionally wrapped in braces.
/// </summary>
internal static class JsonPathLite
{
    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        p = p.TrimStart('$');
        var node = root;
        var i = 0;
        while (node is not null && i < p.Length)
        {
            if (p[i] == '.')
            {
                i++;
                var start = i;
                while (i < p.Length && p[i] is not '.' and not '[')
                {
                    i++;
                }

                var name = p[start..i];
                if (name.Length > 0)
                {
                    node = node is JsonObject o ? o[name] : null;
                }
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end];
                i = end + 1;
                node = Index(node, inner);
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    private static int FindClose(string p, int open)
    {
        var depth = 0;
        for (var i = open; i < p.Length; i++)
        {
            if (p[i] == '[')
            {
                depth++;
            }
            else if (p[i] == ']' && --depth == 0)
            {
                return i;
            }
        }

        return p.Length - 1;
    }

    private static JsonNode? Index(JsonNode? node, string inner)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        if (int.TryParse(inner, out var index))
        {
            return index >= 0 && index < array.Count ? array[index] : null;
        }

        if (inner == "*")
        {
            return array.Count > 0 ? array[0] : null;
        }

        if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            var expr = inner[4..^1];
            var eq = expr.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }

            var field = expr[..eq].Trim();
            var value = expr[(eq + 2)..].Trim().Trim('"', '\'');
            return array.FirstOrDefault(e => e is JsonObject o && (Evaluate(o, "." + field) is JsonValue v) && v.ToString() == value);
        }

        return null;
    }
}
