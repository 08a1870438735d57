using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TinyImage.Operator.Crd;

/// <summary>
/// A small deterministic JSON-to-YAML writer for generated manifests: block style, two-space indents, sequences
/// at their key's indent (as controller-gen writes them), keys in the order of the JsonObject. A string is plain
/// when it cannot be read back as anything else, single-quoted when it is printable, double-quoted with escapes otherwise.
/// </summary>
internal static partial class YamlWriter
{
    public static string Write(JsonNode node)
    {
        var sb = new StringBuilder();
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                WriteMapping(sb, o, 0);
                break;
            case JsonArray a when a.Count > 0:
                WriteSequence(sb, a, 0);
                break;
            default:
                sb.Append(Scalar(node)).Append('\n');
                break;
        }

        return sb.ToString();
    }

    private static void WriteMapping(StringBuilder sb, JsonObject o, int indent)
    {
        foreach (var (key, value) in o)
        {
            sb.Append(' ', indent).Append(Scalar(key)).Append(':');
            WriteValue(sb, value, indent);
        }
    }

    // After "key:" or "-": a scalar or empty collection on the same line, otherwise the block on the next lines.
    private static void WriteValue(StringBuilder sb, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                sb.Append('\n');
                WriteMapping(sb, o, indent + 2);
                break;
            case JsonArray a when a.Count > 0:
                sb.Append('\n');
                WriteSequence(sb, a, indent);
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteSequence(StringBuilder sb, JsonArray a, int indent)
    {
        foreach (var item in a)
        {
            if (item is JsonObject { Count: > 0 } o)
            {
                // "- first: ..." then the other keys aligned under "first".
                var block = new StringBuilder();
                WriteMapping(block, o, indent + 2);
                sb.Append(' ', indent).Append("- ").Append(block, indent + 2, block.Length - indent - 2);
            }
            else if (item is JsonArray { Count: > 0 } inner)
            {
                sb.Append(' ', indent).Append('-').Append('\n');
                WriteSequence(sb, inner, indent + 2);
            }
            else
            {
                sb.Append(' ', indent).Append("- ").Append(Scalar(item)).Append('\n');
            }
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => v.ToJsonString(),
        },
        _ => throw new NotSupportedException("Unexpected JSON node " + node.GetType()),
    };

    /// <summary>A string as a YAML scalar that reads back as exactly this string.</summary>
    public static string Scalar(string s)
    {
        if (IsPlainSafe(s))
        {
            return s;
        }

        if (s.All(c => c is >= ' ' and <= '~' || (c > '\u00a0' && c != '\u2028' && c != '\u2029' && c != '\ufeff' && !char.IsSurrogate(c))))
        {
            return "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        }

        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c is >= ' ' and <= '~')
                    {
                        sb.Append(c);
                    }
                    else
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsPlainSafe(string s) =>
        PlainText().IsMatch(s)
        && !s.Contains(": ", StringComparison.Ordinal)
        && !s.Contains(" #", StringComparison.Ordinal)
        && !s.EndsWith(':')
        && !NotAString().IsMatch(s);

    // Printable ASCII without flow indicators, quotes or other characters that start something else in YAML.
    [GeneratedRegex("^[A-Za-z0-9_./(=$^+][A-Za-z0-9_./(),=$^+: -]*(?<! )$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();

    // Words and numbers a YAML 1.1 or 1.2 reader would not read as a string.
    [GeneratedRegex("^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?(?:[0-9][0-9_,:]*)?(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|[-+]?\\.(?:inf|nan)|<<|=)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotAString();
}
