namespace TinyImage.Advisories;

/// <summary>
/// Pre-release identifiers with SemVer 2.0 precedence as the <c>semver</c> crate orders them: the empty pre-release
/// (a release) is greater than any other; identifiers compare one by one, numeric ones numerically and below
/// alphanumeric ones, alphanumeric ones by ASCII order; a shorter list that is a prefix of a longer one is smaller.
/// </summary>
internal readonly struct Prerelease : IComparable<Prerelease>
{
    private readonly string[]? identifiers;
    private readonly string? text;

    private Prerelease(string text, string[] identifiers)
    {
        this.text = text;
        this.identifiers = identifiers;
    }

    public static Prerelease Empty => default;

    public string Text => text ?? string.Empty;

    public bool IsEmpty => identifiers is null || identifiers.Length == 0;

    /// <summary>Reads identifiers up to the first character that cannot be part of them (<c>+</c>, space, comma, end).</summary>
    public static bool TryParse(ref ReadOnlySpan<char> s, out Prerelease pre, out string error)
    {
        pre = Empty;
        var end = 0;
        while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] == '-' || s[end] == '.'))
        {
            end++;
        }

        var text = s[..end].ToString();
        var parts = text.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                error = "empty pre-release identifier";
                return false;
            }

            if (part.Length > 1 && part[0] == '0' && IsNumeric(part))
            {
                error = "leading zero in a numeric pre-release identifier";
                return false;
            }
        }

        s = s[end..];
        pre = new Prerelease(text, parts);
        error = string.Empty;
        return true;
    }

    public int CompareTo(Prerelease other)
    {
        if (IsEmpty || other.IsEmpty)
        {
            return IsEmpty == other.IsEmpty ? 0 : IsEmpty ? 1 : -1;
        }

        var a = identifiers!;
        var b = other.identifiers!;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = CompareIdentifier(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int CompareIdentifier(string a, string b)
    {
        var an = IsNumeric(a);
        var bn = IsNumeric(b);
        if (an && bn)
        {
            // No leading zeros: a longer number is a larger one.
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
        }

        return an ? -1 : bn ? 1 : string.CompareOrdinal(a, b);
    }

    private static bool IsNumeric(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
