using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Source-generated JSON metadata for the built-in kinds the operator reads or writes (and what they reach), with
/// KubernetesClient's options and converters (RFC 3339 times, ISO 8601 durations, Status bodies). Used instead of
/// KubernetesClient's own generated context: that context's type switch names all of KubernetesClient's 828 models, so
/// touching it links every one of them into the NativeAOT binary (about 12 MB; BENCHMARKS.md, section 6). A kind
/// added to <see cref="ResourceTypes"/> gets its item here, and its list only if the program lists it. Metadata only (no
/// per-type fast-path writer: the writes serialize through the same metadata the reads use), which keeps about 300
/// generated writer methods out of the NativeAOT binary (BENCHMARKS.md, section 6, "size"). Jobs, Deployments and
/// Services are the operator's own models (<c>TinyImage.Kube.Models</c>, under KubernetesClient's names by the aliases
/// in Models/GlobalUsings.cs): only the members the operator reads and writes, the rest kept as extension data.
/// </summary>
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1ConfigMapList))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(ObservedPod))]
[JsonSerializable(typeof(ObservedPodList))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1ServiceList))]
[JsonSerializable(typeof(V1Job))]
[JsonSerializable(typeof(V1JobList))]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1DeploymentList))]
[JsonSerializable(typeof(V1NetworkPolicy))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(Corev1EventList))]
[JsonSerializable(typeof(Eventsv1Event))]
[JsonSerializable(typeof(V1Ingress))]
[JsonSerializable(typeof(V1Status))]
// The same options as KubernetesClient's own context (its SourceGenerationContext.cs).
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter), typeof(V1Status.V1StatusObjectViewConverter), typeof(InterningStringConverter)])]
public sealed partial class KubeJsonContext : JsonSerializerContext;
