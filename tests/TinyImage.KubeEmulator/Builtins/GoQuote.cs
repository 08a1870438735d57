using System.Globalization;
using System.Text;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// Go's <c>strconv.Quote</c> (what <c>%q</c> prints and field.Error renders a string value with): double quotes, <c>\"</c>
/// and <c>\\</c>, the C escapes <c>\a \b \f \n \r \t \v</c>, <c>\xhh</c> for other ASCII control bytes, printable
/// Unicode kept as is, <c>\uhhhh</c> / <c>\Uhhhhhhhh</c> for non-printable runes (unicode.IsPrint: letters, marks,
/// numbers, punctuation, symbols and the ASCII space). Unlike JSON it leaves <c>'</c>, <c>&lt;</c> and <c>&amp;</c> alone.
/// </summary>
public static class GoQuote
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }

            if (IsPrint(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (v < 0x80 || rune == Rune.ReplacementChar)
            {
                // ASCII controls; an unpaired surrogate (EnumerateRunes yields U+FFFD) is what Go prints for a bad byte.
                sb.Append(v < 0x80 ? "\\x" + v.ToString("x2", CultureInfo.InvariantCulture) : "\\ufffd");
            }
            else if (v < 0x10000)
            {
                sb.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        if (rune == Rune.ReplacementChar)
        {
            return true; // U+FFFD is a symbol (So) and printable in Go
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }
}
