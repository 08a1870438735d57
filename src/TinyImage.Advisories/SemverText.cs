using System.Globalization;

namespace TinyImage.Advisories;

/// <summary>The small lexical pieces that versions and requirements share.</summary>
internal static class SemverText
{
    public static bool TryNumber(ref ReadOnlySpan<char> s, out ulong value, out string error)
    {
        value = 0;
        var end = 0;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        if (end == 0)
        {
            error = s.Length == 0 ? "unexpected end, a number was expected" : $"unexpected '{s[0]}', a number was expected";
            return false;
        }

        if (end > 1 && s[0] == '0')
        {
            error = "leading zero in a number";
            return false;
        }

        if (!ulong.TryParse(s[..end], NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = "number too large";
            return false;
        }

        s = s[end..];
        error = string.Empty;
        return true;
    }

    public static bool TryDot(ref ReadOnlySpan<char> s, out string error)
    {
        if (s.Length == 0 || s[0] != '.')
        {
            error = "'.' expected";
            return false;
        }

        s = s[1..];
        error = string.Empty;
        return true;
    }

    /// <summary>Build metadata: dot-separated non-empty identifiers of letters, digits and hyphens.</summary>
    public static bool TryBuild(ref ReadOnlySpan<char> s, out string build, out string error)
    {
        var end = 0;
        while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] == '-' || s[end] == '.'))
        {
            end++;
        }

        build = s[..end].ToString();
        s = s[end..];
        if (build.Length == 0 || build.Split('.').Any(p => p.Length == 0))
        {
            error = "empty build metadata identifier";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
