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
// KubernetesClient's options (its SourceGenerationContext.cs), so the models inside a TinyImage read and write as they do there.
[JsonSourceGenerationOptions(
    // Metadata only: no generated fast-path writer per type (smaller NativeAOT binary; BENCHMARKS.md section 6).
    GenerationMode = JsonSourceGenerationMode.Metadata,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(k8s.KubernetesJson.Iso8601TimeSpanConverter), typeof(k8s.KubernetesJson.KubernetesDateTimeConverter), typeof(k8s.KubernetesJson.KubernetesDateTimeOffsetConverter), typeof(k8s.Models.V1Status.V1StatusObjectViewConverter), typeof(TinyImage.Kube.InterningStringConverter)])]
public sealed partial class ApiJsonContext : JsonSerializerContext;
