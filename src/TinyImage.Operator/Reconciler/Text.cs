namespace TinyImage.Operator.Reconciler;

/// <summary>Shortening of foreign text (log lines, error messages) for status messages.</summary>
internal static class Text
{
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "...";

    /// <summary>" (last log line: ...)" for a log tail with a non-empty last line, else "".</summary>
    public static string LastLine(string? logTail)
    {
        var last = logTail?.TrimEnd().Split('\n').LastOrDefault()?.Trim();
        return string.IsNullOrEmpty(last) ? "" : " (last log line: " + Shorten(last, 200) + ")";
    }
}
