// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A pod template (a Job's or a Deployment's).</summary>
public sealed class V1PodTemplateSpec
{
    public V1ObjectMeta Metadata { get; set; }

    public V1PodSpec Spec { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
