// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>A Deployment's status as a rollout is judged by it (status is never written back: an update of the Deployment ignores it).</summary>
public sealed class V1DeploymentStatus
{
    public int? AvailableReplicas { get; set; }

    public int? CollisionCount { get; set; }

    public IList<V1DeploymentCondition> Conditions { get; set; }

    public long? ObservedGeneration { get; set; }

    public int? ReadyReplicas { get; set; }

    public int? Replicas { get; set; }

    public int? UnavailableReplicas { get; set; }

    public int? UpdatedReplicas { get; set; }
}
