using System.Globalization;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>The advisories part of the <c>verify</c> table: one row per finding, counted ones first.</summary>
internal static class AdvisoryTable
{
    public static string Render(AdvisoryReport report)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine();
        if (report.Findings.Count > 0)
        {
            string[] header = ["ID", "PACKAGE", "VERSION", "PATCHED", "SEVERITY", "STATUS"];
            var rows = report.Findings
                .Select(f => new[]
                {
                    f.Match.Id, f.Match.Package, f.Match.Version,
                    f.Match.Patched.Count == 0 ? "(none)" : string.Join(" or ", f.Match.Patched),
                    f.SeverityText, StatusText(f.Status),
                })
                .ToList();
            var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
            foreach (var row in rows.Prepend(header))
            {
                sb.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            }
        }

        var counted = report.Counted.Count;
        sb.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{counted} advisor{(counted == 1 ? "y" : "ies")} found, {report.Findings.Count - counted} warning{(report.Findings.Count - counted == 1 ? "" : "s")}, advisory database {report.Revision}"));
        return sb.ToString();
    }

    /// <summary>The status as printed (also in the JSON output).</summary>
    public static string StatusText(AdvisoryFindingStatus status) => status switch
    {
        AdvisoryFindingStatus.Counted => "vulnerable",
        AdvisoryFindingStatus.Informational => "warning",
        AdvisoryFindingStatus.BelowMinSeverity => "below-min-severity",
        _ => "ignored",
    };
}
