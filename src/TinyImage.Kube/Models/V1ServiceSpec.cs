// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A Service's spec: what the operator sets and the addresses the API server allocates (the other defaulted members are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1ServiceSpec
{
    public string ClusterIP { get; set; }

    public IList<string> ClusterIPs { get; set; }

    public IList<V1ServicePort> Ports { get; set; }

    public IDictionary<string, string> Selector { get; set; }

    public string Type { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
