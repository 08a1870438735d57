using System.Text.Json;

namespace TinyImage.Sbom;

/// <summary>Writes <see cref="AuditData"/> back as cargo-auditable JSON, normalised: field order and omitted defaults as cargo-auditable writes them, unknown fields dropped.</summary>
public static class AuditableJsonWriter
{
    public static string Write(AuditData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var document = new AuditableJsonDocument(
            [.. data.Packages.Select(p => new AuditableJsonPackage(
                p.Name,
                p.Version,
                p.Source,
                p.Kind == DependencyKind.Build ? "build" : null,
                p.Dependencies.IsEmpty ? null : [.. p.Dependencies],
                p.IsRoot))],
            data.Format);
        return JsonSerializer.Serialize(document, SbomJsonContext.Compact.AuditableJsonDocument);
    }
}
