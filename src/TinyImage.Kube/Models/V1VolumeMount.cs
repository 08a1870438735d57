// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A volume mount.</summary>
public sealed class V1VolumeMount
{
    public string MountPath { get; set; }

    public string Name { get; set; }

    [JsonPropertyName("readOnly")]
    public bool? ReadOnlyProperty { get; set; }

    public string SubPath { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
