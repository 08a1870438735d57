// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A downward API volume: files holding fields of the pod.</summary>
public sealed class V1DownwardAPIVolumeSource
{
    public int? DefaultMode { get; set; }

    public IList<V1DownwardAPIVolumeFile> Items { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
