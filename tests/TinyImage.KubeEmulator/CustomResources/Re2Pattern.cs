using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// OpenAPI <c>pattern</c> with Go RE2 semantics on .NET: <c>$</c> is the end of the text (not "before a final newline"),
/// <c>\d</c>, <c>\w</c>, <c>\s</c> are ASCII only, and Perl syntax RE2 lacks (lookaround, backreferences) is refused
/// as Go's <c>regexp.Compile</c> refuses it. Compiled once per pattern.
/// </summary>
internal static class Re2Pattern
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>Null when Go would compile the pattern, else Go's error text.</summary>
    public static string? Error(string pattern)
    {
        foreach (var perl in new[] { "(?=", "(?!", "(?<=", "(?<!" })
        {
            if (pattern.Contains(perl, StringComparison.Ordinal))
            {
                return "error parsing regexp: invalid or unsupported Perl syntax: `" + perl + "`";
            }
        }

        for (var i = 0; i + 1 < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                if (char.IsAsciiDigit(pattern[i + 1]) && pattern[i + 1] != '0')
                {
                    return "error parsing regexp: invalid escape sequence: `\\" + pattern[i + 1] + "`";
                }

                i++;
            }
        }

        try
        {
            _ = Compile(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return "error parsing regexp: " + e.Message;
        }
    }

    public static bool IsMatch(string pattern, string text) => Compile(pattern).IsMatch(text);

    private static Regex Compile(string pattern) => Cache.GetOrAdd(pattern, static p => new Regex(Translate(p), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static string Translate(string pattern)
    {
        var b = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[++i];
                b.Append(n switch
                {
                    'd' => inClass ? "0-9" : "[0-9]",
                    'D' => "[^0-9]",
                    'w' => inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]",
                    'W' => "[^0-9A-Za-z_]",
                    's' => inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]",
                    'S' => "[^\\t\\n\\f\\r ]",
                    'z' => "\\z",
                    _ => "\\" + n,
                });
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                b.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    b.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        b.Append('^');
                        i++;
                    }

                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        b.Append("\\]");
                        i++;
                    }

                    break;
                case '$':
                    b.Append("\\z");
                    break;
                default:
                    b.Append(c);
                    break;
            }
        }

        return b.ToString();
    }
}
