// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>A Job's status as the operator reads it (status is never written back: an update of the Job ignores it).</summary>
public sealed class V1JobStatus
{
    public int? Active { get; set; }

    public DateTime? CompletionTime { get; set; }

    public IList<V1JobCondition> Conditions { get; set; }

    public int? Failed { get; set; }

    public int? Ready { get; set; }

    public DateTime? StartTime { get; set; }

    public int? Succeeded { get; set; }

    public int? Terminating { get; set; }
}
