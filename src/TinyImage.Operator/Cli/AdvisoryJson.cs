using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TinyImage.Operator.Verification;

namespace TinyImage.Operator.Cli;

/// <summary>
/// The JSON output of <c>verify --advisory-db</c>: <c>{"sbom": &lt;the normalised auditable JSON&gt;, "database": {"revision"},
/// "vulnerabilities": {"found", "count", "list": [...]}, "warnings": [...]}</c>, shaped after <c>cargo audit --json</c>.
/// Each list entry has id, package, version, patched, severity, cvss, informational, title, url, aliases, status.
/// </summary>
internal static class AdvisoryJson
{
    public static string Write(string auditableJson, AdvisoryReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("sbom");
            w.WriteRawValue(auditableJson);
            w.WriteStartObject("database");
            w.WriteString("revision", report.Revision);
            w.WriteEndObject();
            var counted = report.Counted;
            w.WriteStartObject("vulnerabilities");
            w.WriteBoolean("found", counted.Count > 0);
            w.WriteNumber("count", counted.Count);
            w.WriteStartArray("list");
            foreach (var f in counted)
            {
                Finding(w, f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("warnings");
            foreach (var f in report.Findings.Where(f => f.Status != AdvisoryFindingStatus.Counted))
            {
                Finding(w, f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Finding(Utf8JsonWriter w, AdvisoryFinding f)
    {
        var a = f.Match.Advisory;
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("package", f.Match.Package);
        w.WriteString("version", f.Match.Version);
        w.WriteStartArray("patched");
        foreach (var p in f.Match.Patched)
        {
            w.WriteStringValue(p);
        }

        w.WriteEndArray();
        w.WriteString("severity", f.SeverityText);
        if (a.Cvss is { } cvss)
        {
            w.WriteString("cvss", cvss.Vector);
        }

        w.WriteString("informational", a.Informational == Advisories.InformationalKind.None ? null : a.Informational.ToString().ToLowerInvariant());
        w.WriteString("title", a.Title);
        w.WriteString("date", a.Date);
        w.WriteString("url", $"https://rustsec.org/advisories/{a.Id}.html");
        w.WriteStartArray("aliases");
        foreach (var alias in a.Aliases)
        {
            w.WriteStringValue(alias);
        }

        w.WriteEndArray();
        w.WriteString("status", AdvisoryTable.StatusText(f.Status));
        w.WriteEndObject();
    }
}
