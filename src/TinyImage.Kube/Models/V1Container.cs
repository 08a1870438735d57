// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A container: the members the operator's Kaniko, source-copy and workload containers set.</summary>
public sealed class V1Container
{
    public IList<string> Args { get; set; }

    public IList<string> Command { get; set; }

    public IList<V1EnvVar> Env { get; set; }

    public string Image { get; set; }

    public string ImagePullPolicy { get; set; }

    public V1Probe LivenessProbe { get; set; }

    public string Name { get; set; }

    public IList<V1ContainerPort> Ports { get; set; }

    public V1Probe ReadinessProbe { get; set; }

    public V1ResourceRequirements Resources { get; set; }

    public V1SecurityContext SecurityContext { get; set; }

    public string TerminationMessagePath { get; set; }

    public string TerminationMessagePolicy { get; set; }

    public IList<V1VolumeMount> VolumeMounts { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
