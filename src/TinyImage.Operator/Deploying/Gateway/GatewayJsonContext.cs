using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>Source-generated JSON metadata of the HTTPRoute model (NativeAOT).</summary>
[JsonSerializable(typeof(HttpRoute))]
[JsonSerializable(typeof(HttpRouteList))]
// Metadata only: no generated fast-path writer per type (smaller NativeAOT binary; BENCHMARKS.md section 6).
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
