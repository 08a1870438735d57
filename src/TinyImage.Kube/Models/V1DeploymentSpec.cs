// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A Deployment's spec: what the operator sets (strategy, revision history limit and the other defaulted members are kept in <see cref="ExtensionData"/>).</summary>
public sealed class V1DeploymentSpec
{
    public int? Replicas { get; set; }

    public V1LabelSelector Selector { get; set; }

    public V1PodTemplateSpec Template { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
