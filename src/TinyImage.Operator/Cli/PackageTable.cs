using System.Globalization;
using TinyImage.Sbom;

namespace TinyImage.Operator.Cli;

/// <summary>The <c>verify</c> table: one row per package, the root marked with <c>*</c>.</summary>
internal static class PackageTable
{
    public static string Render(AuditData data)
    {
        string[] header = ["NAME", "VERSION", "SOURCE", "KIND", "ROOT"];
        var rows = data.Packages
            .Select(p => new[] { p.Name, p.Version, p.Source, p.Kind == DependencyKind.Build ? "build" : "runtime", p.IsRoot ? "*" : "" })
            .ToList();
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var sb = new System.Text.StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{data.Packages.Length} package{(data.Packages.Length == 1 ? "" : "s")}, root {data.Root.Name} {data.Root.Version}, format {data.Format}"));
        return sb.ToString();
    }
}
