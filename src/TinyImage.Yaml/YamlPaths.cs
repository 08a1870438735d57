using System.Text.RegularExpressions;

namespace TinyImage.Yaml;

/// <summary>Field paths as the validators write them: <c>spec.build.features[1]</c>, <c>metadata.labels["app.kubernetes.io/name"]</c>.</summary>
public static partial class YamlPaths
{
    /// <summary>The path of a mapping key under <paramref name="parent"/>.</summary>
    public static string Key(string parent, string key)
    {
        if (SimpleKey().IsMatch(key))
        {
            return parent.Length == 0 ? key : parent + "." + key;
        }

        return parent + "[" + JsonStrings.Quote(key) + "]";
    }

    /// <summary>The path of a sequence item under <paramref name="parent"/>.</summary>
    public static string Index(string parent, int index) => parent + "[" + index + "]";

    /// <summary>A JSON path from System.Text.Json (<c>$.spec.build['features'][1]</c>) in our form.</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var path = "";
        foreach (Match m in JsonPathPart().Matches(jsonPath))
        {
            if (m.Groups["name"].Success)
            {
                path = Key(path, m.Groups["name"].Value);
            }
            else if (m.Groups["quoted"].Success)
            {
                path = Key(path, m.Groups["quoted"].Value.Replace("\\'", "'", StringComparison.Ordinal));
            }
            else
            {
                path += "[" + m.Groups["index"].Value + "]";
            }
        }

        return path;
    }

    /// <summary>The parent path (the empty path for a top-level key).</summary>
    public static string Parent(string path)
    {
        if (path.EndsWith(']'))
        {
            // Find the bracket that opens the last segment; a quoted key may contain brackets, so scan for `[` outside quotes.
            var inQuotes = false;
            var open = -1;
            for (var i = 0; i < path.Length; i++)
            {
                var c = path[i];
                if (c == '"' && (i == 0 || path[i - 1] != '\\'))
                {
                    inQuotes = !inQuotes;
                }
                else if (c == '[' && !inQuotes)
                {
                    open = i;
                }
            }

            return open <= 0 ? "" : path[..open];
        }

        var dot = path.LastIndexOf('.');
        var bracket = path.LastIndexOf(']');
        return dot > bracket ? path[..dot] : bracket >= 0 ? path[..(bracket + 1)] : "";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex SimpleKey();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^'\\]|\\.)*)'\]|\[(?<index>[0-9]+)\]")]
    private static partial Regex JsonPathPart();
}
