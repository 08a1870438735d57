using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Api;

/// <summary>Source-generated JSON metadata for the API types (NativeAOT: no reflection-based serialization).</summary>
[JsonSerializable(typeof(V1Alpha1.TinyImage))]
[JsonSerializable(typeof(TinyImageList))]
// KubernetesClient models with object-typed fields (e.g. V1JSONSchemaProps.Default in a CRD) hold JsonElement values.
[JsonSerializable(typeof(JsonElement))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class ApiJsonContext : JsonSerializerContext;
