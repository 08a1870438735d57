using System.Text.Json.Serialization;

namespace TinyImage.Sbom;

/// <summary>The cargo-auditable JSON shape, for writing a normalised copy (fields in cargo-auditable's order, defaults omitted).</summary>
public sealed record AuditableJsonDocument(
    [property: JsonPropertyName("packages")] IReadOnlyList<AuditableJsonPackage> Packages,
    [property: JsonPropertyName("format"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] uint Format);

/// <summary>One package in the cargo-auditable JSON shape.</summary>
public sealed record AuditableJsonPackage(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind,
    [property: JsonPropertyName("dependencies"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? Dependencies,
    [property: JsonPropertyName("root"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Root);
