// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A toleration of a node taint.</summary>
public sealed class V1Toleration
{
    public string Effect { get; set; }

    public string Key { get; set; }

    [JsonPropertyName("operator")]
    public string OperatorProperty { get; set; }

    public long? TolerationSeconds { get; set; }

    public string Value { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
