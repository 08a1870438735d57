// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A pod spec: the members the operator's build Job and Deployment set.</summary>
public sealed class V1PodSpec
{
    public bool? AutomountServiceAccountToken { get; set; }

    public IList<V1Container> Containers { get; set; }

    public bool? EnableServiceLinks { get; set; }

    public IList<V1LocalObjectReference> ImagePullSecrets { get; set; }

    public IList<V1Container> InitContainers { get; set; }

    public IDictionary<string, string> NodeSelector { get; set; }

    public string RestartPolicy { get; set; }

    public string RuntimeClassName { get; set; }

    public V1PodSecurityContext SecurityContext { get; set; }

    public string ServiceAccountName { get; set; }

    public IList<V1Toleration> Tolerations { get; set; }

    public IList<V1Volume> Volumes { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
