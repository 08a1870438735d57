// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Kube.Models;

/// <summary>A batch/v1 Job: the build Job the operator creates and reads the status of (it never updates one).</summary>
public sealed class V1Job : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "batch/v1";

    public string Kind { get; set; } = "Job";

    public V1ObjectMeta Metadata { get; set; } = new();

    public V1JobSpec Spec { get; set; }

    public V1JobStatus Status { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
