// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A field of the pod (<c>metadata.annotations['NAME']</c>, <c>metadata.labels</c>, ...).</summary>
public sealed class V1ObjectFieldSelector
{
    public string ApiVersion { get; set; }

    public string FieldPath { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
