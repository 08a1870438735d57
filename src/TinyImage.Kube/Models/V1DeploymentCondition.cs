// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>A Deployment condition (Available, Progressing, ReplicaFailure).</summary>
public sealed class V1DeploymentCondition
{
    public DateTime? LastTransitionTime { get; set; }

    public DateTime? LastUpdateTime { get; set; }

    public string Message { get; set; }

    public string Reason { get; set; }

    public string Status { get; set; }

    public string Type { get; set; }
}
