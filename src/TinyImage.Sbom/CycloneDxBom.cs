using System.Text.Json.Serialization;

namespace TinyImage.Sbom;

/// <summary>The subset of the CycloneDX 1.6 JSON document this operator writes.</summary>
public sealed record CycloneDxBom(
    [property: JsonPropertyName("bomFormat")] string BomFormat,
    [property: JsonPropertyName("specVersion")] string SpecVersion,
    [property: JsonPropertyName("serialNumber")] string? SerialNumber,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("metadata")] CycloneDxMetadata Metadata,
    [property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components,
    [property: JsonPropertyName("dependencies")] IReadOnlyList<CycloneDxDependency> Dependencies)
{
    /// <summary>Known vulnerabilities of the components (advisories matched at verification time), or null when not audited.</summary>
    [JsonPropertyName("vulnerabilities")]
    public IReadOnlyList<CycloneDxVulnerability>? Vulnerabilities { get; init; }
}

/// <summary>BOM metadata: the tool that wrote it and the subject it describes. No timestamp, so output is reproducible.</summary>
public sealed record CycloneDxMetadata(
    [property: JsonPropertyName("tools")] CycloneDxTools Tools,
    [property: JsonPropertyName("component")] CycloneDxComponent Component,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

/// <summary>The 1.5+ form of <c>metadata.tools</c>: an object with components.</summary>
public sealed record CycloneDxTools([property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components);

/// <summary>A CycloneDX component.</summary>
public sealed record CycloneDxComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bom-ref")] string? BomRef,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("hashes")] IReadOnlyList<CycloneDxHash>? Hashes,
    [property: JsonPropertyName("purl")] string? Purl,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

/// <summary>A hash of a component (<c>alg</c> from the CycloneDX enumeration, <c>content</c> lowercase hex).</summary>
public sealed record CycloneDxHash([property: JsonPropertyName("alg")] string Alg, [property: JsonPropertyName("content")] string Content);

/// <summary>A name/value property.</summary>
public sealed record CycloneDxProperty([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("value")] string Value);

/// <summary>One node of the dependency graph.</summary>
public sealed record CycloneDxDependency(
    [property: JsonPropertyName("ref")] string Ref,
    [property: JsonPropertyName("dependsOn")] IReadOnlyList<string> DependsOn);
