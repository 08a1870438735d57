using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TinyImage.Yaml;

/// <summary>
/// Reads YAML (one or many documents) into <see cref="JsonNode"/>s with YamlDotNet's event parser (no reflection, so
/// NativeAOT and trimming are fine).
/// </summary>
/// <remarks>
/// Plain scalars follow the YAML 1.2 core schema: <c>null</c>/<c>~</c>/empty, <c>true</c>/<c>false</c> (three casings),
/// decimal, <c>0o</c> octal and <c>0x</c> hex integers, and floats; everything else, and every quoted or block scalar, is a
/// string. (So <c>yes</c>/<c>on</c> stay strings, unlike YAML 1.1.) <c>.inf</c> and <c>.nan</c> have no JSON form and are
/// refused. Explicit tags <c>!!str</c>, <c>!!int</c>, <c>!!float</c>, <c>!!bool</c>, <c>!!null</c>, <c>!!map</c>,
/// <c>!!seq</c> are honoured; other tags are refused. Anchors and aliases are expanded; merge keys (<c>&lt;&lt;</c>) are
/// applied. Duplicate keys and non-scalar keys are errors. Errors carry the 1-based line and column.
/// </remarks>
public static partial class YamlReader
{
    private const string TagPrefix = "tag:yaml.org,2002:";
    private const int MaxDepth = 256;

    /// <summary>Parses every document of <paramref name="text"/>; an empty stream gives no documents.</summary>
    public static YamlReadResult Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var parser = new Parser(new StringReader(text));
            var documents = new List<YamlDocument>();
            Expect<StreamStart>(parser);
            while (parser.Current is DocumentStart)
            {
                parser.MoveNext();
                var state = new State();
                var root = ReadNode(parser, state, "", 0);
                Expect<DocumentEnd>(parser);
                documents.Add(new YamlDocument(root, state.Positions));
            }

            Expect<StreamEnd>(parser);
            return YamlReadResult.Success(documents);
        }
        catch (YamlException e)
        {
            return YamlReadResult.Failure(CleanMessage(e.Message), new YamlPosition(e.Start.Line, e.Start.Column));
        }
        catch (InvalidYamlException e)
        {
            return YamlReadResult.Failure(e.Message, e.Position);
        }
    }

    /// <summary>The root of every document of <paramref name="text"/>, in order (null for an empty document).</summary>
    /// <exception cref="FormatException">The text is not YAML this reader accepts; the message carries the line and column.</exception>
    public static IReadOnlyList<JsonNode?> ReadRoots(string text)
    {
        var read = Read(text);
        return read.Succeeded ? [.. read.Documents.Select(d => d.Root)] : throw new FormatException(read.DescribeError());
    }

    private static void Expect<T>(IParser parser)
        where T : ParsingEvent
    {
        if (parser.Current is null && !parser.MoveNext())
        {
            throw new InvalidYamlException("unexpected end of the YAML stream", null);
        }

        if (parser.Current is not T)
        {
            throw new InvalidYamlException("unexpected " + parser.Current!.GetType().Name, At(parser.Current!.Start));
        }

        parser.MoveNext();
    }

    private static JsonNode? ReadNode(IParser parser, State state, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidYamlException("nested deeper than " + MaxDepth + " levels", At(parser.Current!.Start));
        }

        var ev = parser.Current ?? throw new InvalidYamlException("unexpected end of the YAML stream", null);
        state.Positions.TryAdd(path, At(ev.Start));
        parser.MoveNext();
        JsonNode? node;
        switch (ev)
        {
            case AnchorAlias alias:
                if (!state.Anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw new InvalidYamlException("unknown alias *" + alias.Value.Value, At(ev.Start));
                }

                return anchored?.DeepClone();

            case Scalar scalar:
                node = ReadScalar(scalar);
                Anchor(state, scalar, node);
                return node;

            case SequenceStart seq:
                CheckTag(seq.Tag, "seq", seq.Start);
                var array = new JsonArray();
                while (parser.Current is not SequenceEnd)
                {
                    array.Add(ReadNode(parser, state, YamlPaths.Index(path, array.Count), depth + 1));
                }

                parser.MoveNext();
                Anchor(state, seq, array);
                return array;

            case MappingStart map:
                CheckTag(map.Tag, "map", map.Start);
                var obj = new JsonObject();
                var merged = new HashSet<string>(StringComparer.Ordinal);
                while (parser.Current is not MappingEnd)
                {
                    var keyEvent = parser.Current;
                    if (keyEvent is not Scalar keyScalar)
                    {
                        throw new InvalidYamlException("mapping keys must be scalars", At(keyEvent!.Start));
                    }

                    parser.MoveNext();
                    var key = keyScalar.Value;
                    if (key == "<<" && keyScalar.Style == ScalarStyle.Plain)
                    {
                        var source = ReadNode(parser, state, path, depth + 1);
                        Merge(obj, merged, source, At(keyScalar.Start));
                        continue;
                    }

                    if (obj.ContainsKey(key) && !merged.Remove(key))
                    {
                        throw new InvalidYamlException("duplicate key " + JsonStrings.Quote(key), At(keyScalar.Start));
                    }

                    var childPath = YamlPaths.Key(path, key);
                    state.Positions[childPath] = At(keyScalar.Start);
                    var value = ReadNode(parser, state, childPath, depth + 1);
                    obj.Remove(key);
                    obj[key] = value;
                }

                parser.MoveNext();
                Anchor(state, map, obj);
                return obj;

            default:
                throw new InvalidYamlException("unexpected " + ev.GetType().Name, At(ev.Start));
        }
    }

    private static void Merge(JsonObject target, HashSet<string> merged, JsonNode? source, YamlPosition at)
    {
        var sources = source switch
        {
            JsonObject o => [o],
            JsonArray a when a.All(n => n is JsonObject) => a.Cast<JsonObject>().ToArray(),
            _ => throw new InvalidYamlException("a merge key (<<) needs a mapping or a list of mappings", at),
        };
        foreach (var s in sources)
        {
            foreach (var (key, value) in s)
            {
                if (!target.ContainsKey(key))
                {
                    target[key] = value?.DeepClone();
                    merged.Add(key);
                }
            }
        }
    }

    private static void Anchor(State state, NodeEvent ev, JsonNode? node)
    {
        if (!ev.Anchor.IsEmpty)
        {
            state.Anchors[ev.Anchor.Value] = node;
        }
    }

    private static void CheckTag(TagName tag, string expected, Mark start)
    {
        if (!tag.IsEmpty && tag.Value != "!" && tag.Value != TagPrefix + expected)
        {
            throw new InvalidYamlException("unsupported tag " + tag.Value, At(start));
        }
    }

    private static JsonNode? ReadScalar(Scalar scalar)
    {
        var text = scalar.Value;
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value != "!")
        {
            var tag = scalar.Tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal) ? scalar.Tag.Value[TagPrefix.Length..] : scalar.Tag.Value;
            return tag switch
            {
                "str" => JsonValue.Create(text),
                "null" => null,
                "bool" or "int" or "float" => Resolve(text) is { } typed && typed.GetValueKind() is var kind &&
                    (tag == "bool" ? kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False : kind == System.Text.Json.JsonValueKind.Number)
                    ? typed
                    : throw new InvalidYamlException("\"" + text + "\" is not a valid !!" + tag, At(scalar.Start)),
                _ => throw new InvalidYamlException("unsupported tag " + scalar.Tag.Value, At(scalar.Start)),
            };
        }

        if (scalar.Style != ScalarStyle.Plain || !scalar.IsPlainImplicit)
        {
            return JsonValue.Create(text);
        }

        if (InfOrNan().IsMatch(text))
        {
            throw new InvalidYamlException(text + " has no JSON representation", At(scalar.Start));
        }

        return Resolve(text);
    }

    /// <summary>The YAML 1.2 core schema resolution of a plain scalar.</summary>
    internal static JsonNode? Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (DecimalInt().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return JsonValue.Create(l);
            }

            return JsonValue.Create(decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && OctalInt().IsMatch(text))
        {
            return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && HexInt().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text))
        {
            // Keep the text when it is already a JSON number (1.5, 1e3); otherwise normalise (.5, +1.5, 5.).
            var json = JsonNumber().IsMatch(text) ? text : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
            return JsonNode.Parse(json);
        }

        return JsonValue.Create(text);
    }

    private static YamlPosition At(Mark mark) => new(mark.Line, mark.Column);

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we give the position separately.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex("^0o[0-7]{1,21}$")]
    private static partial Regex OctalInt();

    [GeneratedRegex("^0x[0-9a-fA-F]{1,15}$")]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex InfOrNan();

    private sealed class State
    {
        public Dictionary<string, JsonNode?> Anchors { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, YamlPosition> Positions { get; } = new(StringComparer.Ordinal);
    }

    private sealed class InvalidYamlException(string message, YamlPosition? position) : Exception(message)
    {
        public YamlPosition? Position { get; } = position;
    }
}
