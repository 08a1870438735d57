using System.Text.Json.Serialization;

namespace TinyImage.Oci;

/// <summary>Source-generated JSON for the registry client (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    // Metadata only: no generated fast-path writer per type (smaller NativeAOT binary; BENCHMARKS.md section 6).
    GenerationMode = JsonSourceGenerationMode.Metadata,
    PropertyNameCaseInsensitive = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(OciIndex))]
[JsonSerializable(typeof(OciMediaTypeProbe))]
[JsonSerializable(typeof(OciImageConfig))]
[JsonSerializable(typeof(RegistryTokenResponse))]
[JsonSerializable(typeof(RegistryErrorResponse))]
[JsonSerializable(typeof(DockerConfigFile))]
public sealed partial class RegistryJsonContext : JsonSerializerContext;
