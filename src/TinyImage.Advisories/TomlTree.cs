using Tomlyn.Parsing;

namespace TinyImage.Advisories;

/// <summary>
/// Builds a plain tree from Tomlyn's pull parser: tables become <see cref="Dictionary{TKey,TValue}"/>, arrays
/// <see cref="List{T}"/>, scalars string, long, double, bool, or (date/times) their TOML text. No reflection, so it
/// is trim and NativeAOT safe. Duplicate keys are refused (TOML forbids them; the parser does not check).
/// </summary>
internal static class TomlTree
{
    public static Dictionary<string, object> Parse(string toml)
    {
        var parser = TomlParser.Create(toml);
        var root = new Dictionary<string, object>(StringComparer.Ordinal);
        var stack = new Stack<object>();
        string? pendingKey = null;
        while (parser.MoveNext())
        {
            var e = parser.Current;
            switch (e.Kind)
            {
                case TomlParseEventKind.StartDocument:
                case TomlParseEventKind.EndDocument:
                    break;
                case TomlParseEventKind.StartTable:
                    if (stack.Count == 0)
                    {
                        stack.Push(root);
                    }
                    else
                    {
                        stack.Push(Add(stack.Peek(), ref pendingKey, new Dictionary<string, object>(StringComparer.Ordinal), merge: true));
                    }

                    break;
                case TomlParseEventKind.StartArray:
                    stack.Push(Add(stack.Peek(), ref pendingKey, new List<object>(), merge: false));
                    break;
                case TomlParseEventKind.EndTable:
                case TomlParseEventKind.EndArray:
                    stack.Pop();
                    break;
                case TomlParseEventKind.PropertyName:
                    pendingKey = parser.GetPropertyName();
                    break;
                case TomlParseEventKind.String:
                    Add(stack.Peek(), ref pendingKey, parser.GetString(), merge: false);
                    break;
                case TomlParseEventKind.Integer:
                    Add(stack.Peek(), ref pendingKey, e.GetInt64(), merge: false);
                    break;
                case TomlParseEventKind.Float:
                    Add(stack.Peek(), ref pendingKey, e.GetDouble(), merge: false);
                    break;
                case TomlParseEventKind.Boolean:
                    Add(stack.Peek(), ref pendingKey, e.GetBoolean(), merge: false);
                    break;
                case TomlParseEventKind.DateTime:
                    Add(stack.Peek(), ref pendingKey, e.GetTomlDateTime().ToString(), merge: false);
                    break;
                default:
                    throw new AdvisoryFormatException($"unexpected TOML event {e.Kind}");
            }
        }

        return root;
    }

    private static object Add(object parent, ref string? key, object value, bool merge)
    {
        if (parent is List<object> list)
        {
            list.Add(value);
            return value;
        }

        var table = (Dictionary<string, object>)parent;
        var name = key ?? throw new AdvisoryFormatException("a TOML value without a key");
        key = null;
        if (table.TryGetValue(name, out var existing))
        {
            if (merge && existing is Dictionary<string, object>)
            {
                return existing;
            }

            throw new AdvisoryFormatException($"duplicate TOML key '{name}'");
        }

        table.Add(name, value);
        return value;
    }
}
