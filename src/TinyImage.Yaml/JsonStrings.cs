using System.Globalization;
using System.Text;

namespace TinyImage.Yaml;

/// <summary>JSON string literals (also YAML double-quoted scalars): the one quoting of field paths, Containerfile exec
/// forms and build-hash inputs.</summary>
public static class JsonStrings
{
    /// <summary>A JSON string literal: quotes, backslashes and control or line-separator characters escaped; everything
    /// else (non-ASCII included) as is, so the text is stable (build hashes depend on it).</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                < ' ' or '\u007f' or '\u0085' or '\u2028' or '\u2029' => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }
}
