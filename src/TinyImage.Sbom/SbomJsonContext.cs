using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Sbom;

/// <summary>Source-generated System.Text.Json metadata for the SBOM documents (AOT and trim clean).</summary>
// Metadata only: no generated fast-path writer per type (smaller NativeAOT binary; BENCHMARKS.md section 6).
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditableJsonDocument))]
[JsonSerializable(typeof(CycloneDxBom))]
public sealed partial class SbomJsonContext : JsonSerializerContext
{
    /// <summary>Compact, escaping only what JSON requires (like serde_json), for the normalised auditable JSON.</summary>
    public static SbomJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Indented, for CycloneDX documents people read.</summary>
    public static SbomJsonContext Indented { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    });
}
