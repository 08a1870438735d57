// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A Service port.</summary>
public sealed class V1ServicePort
{
    public string Name { get; set; }

    public int? NodePort { get; set; }

    public int Port { get; set; }

    public string Protocol { get; set; }

    public IntOrString TargetPort { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
