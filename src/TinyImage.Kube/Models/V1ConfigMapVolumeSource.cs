// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A ConfigMap volume.</summary>
public sealed class V1ConfigMapVolumeSource
{
    public int? DefaultMode { get; set; }

    public IList<V1KeyToPath> Items { get; set; }

    public string Name { get; set; }

    public bool? Optional { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
