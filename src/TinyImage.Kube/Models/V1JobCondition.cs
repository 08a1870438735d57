// Nullable-oblivious like KubernetesClient's models, so call sites written against them compile unchanged.
#nullable disable


namespace TinyImage.Kube.Models;

/// <summary>A Job condition (Complete, Failed, SuccessCriteriaMet, FailureTarget, Suspended).</summary>
public sealed class V1JobCondition
{
    public DateTime? LastProbeTime { get; set; }

    public DateTime? LastTransitionTime { get; set; }

    public string Message { get; set; }

    public string Reason { get; set; }

    public string Status { get; set; }

    public string Type { get; set; }
}
