using System.Text.Json.Serialization;

namespace TinyImage.Oci;

/// <summary>The distribution spec's error body, <c>{"errors":[{"code":"...","message":"...","detail":...}]}</c>; only the codes are read.</summary>
public sealed record RegistryErrorResponse(
    [property: JsonPropertyName("errors")] IReadOnlyList<RegistryErrorEntry?>? Errors);
