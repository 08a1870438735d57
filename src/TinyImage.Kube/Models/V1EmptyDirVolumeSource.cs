// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>An emptyDir volume.</summary>
public sealed class V1EmptyDirVolumeSource
{
    public string Medium { get; set; }

    public ResourceQuantity SizeLimit { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
