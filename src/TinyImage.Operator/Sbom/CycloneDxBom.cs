using System.Text.Json.Serialization;

namespace TinyImage.Operator.Sbom;

/// <summary>The subset of the CycloneDX 1.6 JSON document this operator writes.</summary>
internal sealed record CycloneDxBom(
    [property: JsonPropertyName("bomFormat")] string BomFormat,
    [property: JsonPropertyName("specVersion")] string SpecVersion,
    [property: JsonPropertyName("serialNumber")] string? SerialNumber,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("metadata")] CycloneDxMetadata Metadata,
    [property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components,
    [property: JsonPropertyName("dependencies")] IReadOnlyList<CycloneDxDependency> Dependencies);

/// <summary>BOM metadata: the tool that wrote it and the subject it describes. No timestamp, so output is reproducible.</summary>
internal sealed record CycloneDxMetadata(
    [property: JsonPropertyName("tools")] CycloneDxTools Tools,
    [property: JsonPropertyName("component")] CycloneDxComponent Component,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

/// <summary>The 1.5+ form of <c>metadata.tools</c>: an object with components.</summary>
internal sealed record CycloneDxTools([property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components);

/// <summary>A CycloneDX component.</summary>
internal sealed record CycloneDxComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bom-ref")] string? BomRef,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("hashes")] IReadOnlyList<CycloneDxHash>? Hashes,
    [property: JsonPropertyName("purl")] string? Purl,
    [property: JsonPropertyName("properties")] IReadOnlyList<CycloneDxProperty>? Properties);

/// <summary>A hash of a component (<c>alg</c> from the CycloneDX enumeration, <c>content</c> lowercase hex).</summary>
internal sealed record CycloneDxHash([property: JsonPropertyName("alg")] string Alg, [property: JsonPropertyName("content")] string Content);

/// <summary>A name/value property.</summary>
internal sealed record CycloneDxProperty([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("value")] string Value);

/// <summary>One node of the dependency graph.</summary>
internal sealed record CycloneDxDependency(
    [property: JsonPropertyName("ref")] string Ref,
    [property: JsonPropertyName("dependsOn")] IReadOnlyList<string> DependsOn);
