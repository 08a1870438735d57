using System.Text.Json.Serialization;

namespace TinyImage.Oci;

/// <summary>One entry of <see cref="RegistryErrorResponse"/>: its <c>code</c> (a fixed vocabulary such as <c>MANIFEST_UNKNOWN</c>); message and detail are ignored.</summary>
public sealed record RegistryErrorEntry(
    [property: JsonPropertyName("code")] string? Code);
