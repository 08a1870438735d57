using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TinyImage.Yaml;

/// <summary>
/// The one YAML writer. <see cref="Write"/> and <see cref="ToYaml"/> write JSON nodes as block-style YAML with
/// YamlDotNet's event emitter: keys in the order given, strings quoted whenever a YAML 1.1 or 1.2 reader could take
/// them for anything but a string (<c>"0123"</c>, <c>"true"</c>, <c>"yes"</c>, <c>"1.5"</c>, <c>"null"</c>, ...),
/// multi-line strings as literal blocks, empty maps and lists as <c>{}</c> and <c>[]</c>.
/// <see cref="ToManifest"/> writes generated manifests (the CRD) deterministically in controller-gen's layout: two-space
/// indents, sequences at their key's indent, a string plain when it cannot be read back as anything else,
/// single-quoted when it is printable, double-quoted with escapes otherwise.
/// </summary>
public static partial class YamlWriter
{
    /// <summary>Writes one document (with a leading <c>---</c>) per node, each optionally preceded by comment lines.</summary>
    public static void Write(TextWriter writer, IEnumerable<(JsonNode? Node, string? Comment)> documents)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(documents);
        var emitter = new Emitter(writer, 2, int.MaxValue, false);
        emitter.Emit(new StreamStart());
        foreach (var (node, comment) in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: false));
            if (comment is not null)
            {
                foreach (var line in comment.Split('\n'))
                {
                    emitter.Emit(new Comment(line, false));
                }
            }

            EmitNode(emitter, node);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
    }

    /// <summary>One document as text.</summary>
    public static string ToYaml(JsonNode? node)
    {
        using var writer = new StringWriter();
        Write(writer, [(node, null)]);
        return writer.ToString();
    }

    private static void EmitNode(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    EmitNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    EmitNode(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, value.GetValue<string>());
                        break;
                    case JsonValueKind.Null:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                        break;
                    default:
                        // numbers and booleans: their JSON text is a valid plain YAML scalar of the same type
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                }

                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        ScalarStyle style;
        if (text.Contains('\n', StringComparison.Ordinal) && !HasProblemCharacters(text))
        {
            style = ScalarStyle.Literal;
        }
        else if (NeedsQuotes(text))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }

        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, style, true, true));
    }

    /// <summary>True when a plain scalar with this text would not read back as this string under YAML 1.2 or 1.1.</summary>
    internal static bool NeedsQuotes(string text) =>
        text.Length == 0 ||
        YamlReader.Resolve(text) is not JsonValue v || v.GetValueKind() != JsonValueKind.String ||
        Yaml11Special().IsMatch(text) ||
        NumberLike().IsMatch(text);

    private static bool HasProblemCharacters(string text)
    {
        foreach (var c in text)
        {
            if ((c < ' ' && c != '\n') || c is '\u007f' or '\u0085' or '\u2028' or '\u2029' or '\ufeff')
            {
                return true;
            }
        }

        // trailing spaces on a line cannot survive a literal block cleanly; leading spaces on the first line need an indicator
        return text.Contains(" \n", StringComparison.Ordinal) || text.StartsWith(' ') || text.EndsWith(' ');
    }

    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)$")]
    private static partial Regex Yaml11Special();

    // YAML 1.1 ints and floats (0b1010, 0777, 1_000, 1:20 sexagesimal, .5), timestamps (2001-12-14): anything starting
    // like a number is quoted.
    [GeneratedRegex(@"^[-+]?(\.?[0-9]|\.(inf|Inf|INF|nan|NaN|NAN)$)")]
    private static partial Regex NumberLike();

    // Generated manifests: a StringBuilder, no emitter, so the layout is exactly controller-gen's.
    /// <summary>A generated manifest (one document, no <c>---</c>) in controller-gen's layout.</summary>
    public static string ToManifest(JsonNode node)
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
    private static string Scalar(string s)
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
