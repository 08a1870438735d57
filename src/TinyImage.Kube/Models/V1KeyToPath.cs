// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A key of a ConfigMap or Secret projected to a file.</summary>
public sealed class V1KeyToPath
{
    public string Key { get; set; }

    public int? Mode { get; set; }

    public string Path { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
