// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A pod volume: ConfigMap, Secret, emptyDir or downward API (any other source is kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1Volume
{
    public V1ConfigMapVolumeSource ConfigMap { get; set; }

    [JsonPropertyName("downwardAPI")]
    public V1DownwardAPIVolumeSource DownwardAPI { get; set; }

    public V1EmptyDirVolumeSource EmptyDir { get; set; }

    public string Name { get; set; }

    public V1SecretVolumeSource Secret { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
