namespace TinyImage.Advisories;

/// <summary>
/// Reads one advisory file of the RustSec Advisory Database: Markdown that opens with a <c>```toml</c> fenced block
/// (the front matter), followed by the description whose first heading is the title.
/// </summary>
public static class AdvisoryParser
{
    /// <summary>Parses an advisory; throws <see cref="AdvisoryFormatException"/> naming <paramref name="source"/> when malformed.</summary>
    /// <param name="markdown">The file's text.</param>
    /// <param name="collection">Where the file lies (<c>crates/</c> or <c>rust/</c>).</param>
    /// <param name="source">The file's path, for messages.</param>
    public static Advisory Parse(string markdown, AdvisoryCollection collection, string source)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        try
        {
            var (toml, body) = SplitFrontMatter(markdown.AsSpan());
            var root = TomlTree.Parse(toml);
            var advisory = Table(root, "advisory", required: true)!;
            var versions = Table(root, "versions", required: false);
            var affected = Table(root, "affected", required: false);
            var informational = String(advisory, "informational");
            var cvss = String(advisory, "cvss");
            return new Advisory
            {
                Id = RequiredString(advisory, "id"),
                Package = RequiredString(advisory, "package"),
                Collection = collection,
                Date = RequiredString(advisory, "date"),
                Title = TitleOf(markdown.AsSpan(body)),
                Url = String(advisory, "url"),
                Aliases = Strings(advisory, "aliases"),
                Related = Strings(advisory, "related"),
                Categories = Strings(advisory, "categories"),
                Keywords = Strings(advisory, "keywords"),
                References = Strings(advisory, "references"),
                Cvss = cvss is null ? null : Cvss.Parse(cvss),
                Informational = KindOf(informational),
                InformationalText = informational,
                Withdrawn = String(advisory, "withdrawn"),
                Patched = Requirements(versions, "patched"),
                Unaffected = Requirements(versions, "unaffected"),
                AffectedFunctions = Functions(affected),
                AffectedOs = Strings(affected, "os"),
                AffectedArch = Strings(affected, "arch"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or Tomlyn.TomlException)
        {
            throw new AdvisoryFormatException($"{source}: {e.Message}", e);
        }
        catch (AdvisoryFormatException e)
        {
            throw new AdvisoryFormatException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>The front matter's TOML text, and where the body starts.</summary>
    private static (string Toml, int Body) SplitFrontMatter(ReadOnlySpan<char> markdown)
    {
        var text = markdown.TrimStart("\uFEFF \t\r\n");
        var offset = markdown.Length - text.Length;
        if (!text.StartsWith("```toml", StringComparison.Ordinal))
        {
            throw new AdvisoryFormatException("the file does not open with a ```toml front matter block");
        }

        var start = text.IndexOf('\n');
        if (start < 0)
        {
            throw new AdvisoryFormatException("the front matter block is not closed");
        }

        var pos = start + 1;
        while (pos < text.Length)
        {
            var rest = text[pos..];
            var eol = rest.IndexOf('\n');
            var line = (eol < 0 ? rest : rest[..eol]).TrimEnd("\r \t");
            if (line.SequenceEqual("```"))
            {
                return (text[(start + 1)..pos].ToString(), eol < 0 ? markdown.Length : offset + pos + eol + 1);
            }

            if (eol < 0)
            {
                break;
            }

            pos += eol + 1;
        }

        throw new AdvisoryFormatException("the front matter block is not closed");
    }

    private static string TitleOf(ReadOnlySpan<char> body)
    {
        while (!body.IsEmpty)
        {
            var eol = body.IndexOf('\n');
            var line = (eol < 0 ? body : body[..eol]).TrimEnd('\r');
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                return line[2..].Trim().ToString();
            }

            body = eol < 0 ? [] : body[(eol + 1)..];
        }

        return string.Empty;
    }

    private static InformationalKind KindOf(string? value) => value switch
    {
        null => InformationalKind.None,
        "unmaintained" => InformationalKind.Unmaintained,
        "unsound" => InformationalKind.Unsound,
        "notice" => InformationalKind.Notice,
        _ => InformationalKind.Other,
    };

    private static Dictionary<string, object>? Table(Dictionary<string, object> parent, string key, bool required) =>
        parent.TryGetValue(key, out var v)
            ? v as Dictionary<string, object> ?? throw new AdvisoryFormatException($"'{key}' is not a table")
            : required ? throw new AdvisoryFormatException($"the [{key}] table is missing") : null;

    private static string RequiredString(Dictionary<string, object> table, string key) =>
        String(table, key) ?? throw new AdvisoryFormatException($"'{key}' is missing");

    private static string? String(Dictionary<string, object>? table, string key) =>
        table is not null && table.TryGetValue(key, out var v)
            ? v as string ?? throw new AdvisoryFormatException($"'{key}' is not a string")
            : null;

    private static string[] Strings(Dictionary<string, object>? table, string key)
    {
        if (table is null || !table.TryGetValue(key, out var v))
        {
            return [];
        }

        var list = v as List<object> ?? throw new AdvisoryFormatException($"'{key}' is not an array");
        var result = new string[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            result[i] = list[i] as string ?? throw new AdvisoryFormatException($"'{key}' holds a value that is not a string");
        }

        return result;
    }

    private static VersionRequirement[] Requirements(Dictionary<string, object>? table, string key) =>
        Array.ConvertAll(Strings(table, key), VersionRequirement.Parse);

    private static Dictionary<string, IReadOnlyList<VersionRequirement>> Functions(Dictionary<string, object>? affected)
    {
        var result = new Dictionary<string, IReadOnlyList<VersionRequirement>>(StringComparer.Ordinal);
        var functions = affected is null ? null : Table(affected, "functions", required: false);
        if (functions is null)
        {
            return result;
        }

        foreach (var name in functions.Keys)
        {
            result.Add(name, Requirements(functions, name));
        }

        return result;
    }
}
