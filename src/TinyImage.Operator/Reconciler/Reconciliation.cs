using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// One pass over one TinyImage: the cached object (read-only), the status being drafted (each sub-reconciler writes
/// only its own part), what the inputs step resolved for the later steps, and the workload as last seen.
/// </summary>
internal sealed class Reconciliation
{
    public Reconciliation(TinyImageResource tinyImage, DateTimeOffset now)
    {
        TinyImage = tinyImage;
        Now = now;
        // Copied member by member, not through JSON (issue 17): the end-of-pass comparison serializes the stored status
        // only when it has something to compare with.
        Status = tinyImage.Status is { } stored ? StatusCopy.Of(stored) : new TinyImageStatus();
        Status.Conditions ??= [];
    }

    /// <summary>The cached object. Never change it.</summary>
    public TinyImageResource TinyImage { get; }

    /// <summary>The status this pass writes at its end.</summary>
    public TinyImageStatus Status { get; }

    public DateTimeOffset Now { get; }

    public string Name => TinyImage.Metadata.Name;

    public string Namespace => TinyImage.Metadata.NamespaceProperty;

    public long? Generation => TinyImage.Metadata.Generation;

    public string? Uid => TinyImage.Metadata.Uid;

    /// <summary>The value of the <c>tinyimage.dev/retry</c> annotation, or null.</summary>
    public string? Retry => TinyImage.Metadata.Annotations?.TryGetValue(Annotations.Retry, out var value) == true ? value : null;

    /// <summary>The source digest and the push Secret's docker config (set by the inputs step).</summary>
    public BuildInputs? Inputs { get; set; }

    /// <summary>The TinyImage validated by the inputs step: the only thing the builders take.</summary>
    public ValidTinyImage Valid => Inputs?.TinyImage ?? throw new InvalidOperationException("the inputs step validates the TinyImage");

    /// <summary>The build hash of the current spec and inputs (set by the inputs step).</summary>
    public string? Hash { get; set; }

    /// <summary>
    /// Whether this pass is the first to see a new value of the retry annotation (it differs from
    /// <c>status.lastHandledRetry</c>): any build of the current spec runs again, not only a failed one.
    /// </summary>
    public bool RetryRequested => Retry is not null && Retry != TinyImage.Status?.LastHandledRetry;

    /// <summary>What the build of the current hash is made of and why it runs (set by the inputs step).</summary>
    public BuildPlan? Plan { get; set; }

    /// <summary>The pushed digest of the current hash's build once it succeeded (set by the build step).</summary>
    public string? BuiltDigest { get; set; }

    /// <summary>The workload as the deploy step found or left it (set by the deploy step, or observed when it did not run).</summary>
    public WorkloadState Workload { get; set; } = WorkloadState.NoImage;

    /// <summary>Warning Events a step asks for (reason, message), recorded once the pass's status is written.</summary>
    public List<(string Reason, string Message)> Warnings { get; } = [];

    /// <summary>A child's name is taken by an object this TinyImage does not control: stall, say which, write nothing to it.</summary>
    public StepResult ChildInTheWay(string kind, string name) => StepResult.Stop(
        Conditions.ReasonChildConflict,
        kind + " " + Namespace + "/" + name + " exists and is not controlled by this TinyImage",
        StepResult.Recheck);

    /// <summary>Whether <paramref name="child"/> is missing or controlled by this TinyImage.</summary>
    public bool IsOursOrAbsent(k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>? child) =>
        child is null || ChildWriter.IsControlledBy(child, Uid);

    /// <summary>Sets one condition of the draft, for the current generation and time.</summary>
    public void SetCondition(string type, string status, string reason, string message) =>
        ConditionSet.Set(Status.Conditions!, type, status, reason, message, Generation, Now);
}
