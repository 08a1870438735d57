// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>Where a variable's value comes from: a Secret's or a ConfigMap's key, or a field of the pod.</summary>
public sealed class V1EnvVarSource
{
    public V1ConfigMapKeySelector ConfigMapKeyRef { get; set; }

    public V1ObjectFieldSelector FieldRef { get; set; }

    public V1SecretKeySelector SecretKeyRef { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
