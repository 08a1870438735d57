using System.Text;

namespace TinyImage.Oci;

/// <summary>
/// Text a registry chose (a media type, a realm, a digest header) on its way into an error message that may end in a
/// tenant-visible status: capped, and reduced to printable ASCII, so it can neither carry a body nor forge lines.
/// </summary>
internal static class UntrustedText
{
    /// <summary>At most <paramref name="max"/> printable ASCII characters; others become '?'; longer text ends in "...".</summary>
    public static string Quote(string? text, int max = 80)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var result = new StringBuilder(Math.Min(text.Length, max) + 3);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, max)))
        {
            result.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.Length > max ? result.Append("...").ToString() : result.ToString();
    }

    /// <summary>True for a distribution-spec error code: 1 to 64 of A-Z, 0-9 and '_', starting with a letter.</summary>
    public static bool IsErrorCode(string? code) =>
        code is { Length: > 0 and <= 64 } && char.IsAsciiLetterUpper(code[0]) && code.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');
}
