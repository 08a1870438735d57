// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>One file of a downward API volume (resourceFieldRef is kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1DownwardAPIVolumeFile
{
    public V1ObjectFieldSelector FieldRef { get; set; }

    public int? Mode { get; set; }

    public string Path { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
