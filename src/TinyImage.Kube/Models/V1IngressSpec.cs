// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>An Ingress's spec: the class and the rules (defaultBackend and tls are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1IngressSpec
{
    public string IngressClassName { get; set; }

    public IList<V1IngressRule> Rules { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
