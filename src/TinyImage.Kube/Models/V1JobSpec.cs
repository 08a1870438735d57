// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A Job's spec: what the build Job sets (defaulted members such as selector, completions and suspend are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1JobSpec
{
    public long? ActiveDeadlineSeconds { get; set; }

    public int? BackoffLimit { get; set; }

    public V1PodTemplateSpec Template { get; set; }

    public int? TtlSecondsAfterFinished { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
