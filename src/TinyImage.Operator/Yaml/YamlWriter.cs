using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using TinyImage.Operator.Api;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TinyImage.Operator.Yaml;

/// <summary>
/// Writes JSON nodes as block-style YAML with YamlDotNet's event emitter: keys in the order given, strings quoted
/// whenever a YAML 1.1 or 1.2 reader could take them for anything but a string (<c>"0123"</c>, <c>"true"</c>,
/// <c>"yes"</c>, <c>"1.5"</c>, <c>"null"</c>, ...), multi-line strings as literal blocks, empty maps and lists as
/// <c>{}</c> and <c>[]</c>.
/// </summary>
internal static partial class YamlWriter
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

    /// <summary>A typed object (an API type or a KubernetesClient model), serialized with <see cref="ApiJson"/>, as a JSON node.</summary>
    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, ApiJson.TypeInfo<T>());

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
}
