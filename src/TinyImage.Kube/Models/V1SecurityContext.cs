// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyImage.Kube.Models;

/// <summary>A container's security context.</summary>
public sealed class V1SecurityContext
{
    public bool? AllowPrivilegeEscalation { get; set; }

    public V1Capabilities Capabilities { get; set; }

    public bool? Privileged { get; set; }

    public bool? ReadOnlyRootFilesystem { get; set; }

    public long? RunAsGroup { get; set; }

    public bool? RunAsNonRoot { get; set; }

    public long? RunAsUser { get; set; }

    public V1SeccompProfile SeccompProfile { get; set; }

    /// <summary>Members this model does not declare, as read from the API server: kept, so a read-modify-write loses nothing.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> ExtensionData { get; set; }
}
