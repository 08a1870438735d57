using TinyImage.Api;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Reconciler;

/// <summary>What the inputs step decided about the build (the hash itself is <see cref="Reconciliation.Hash"/>).</summary>
/// <param name="PinnedOnce">
/// The TinyImage with its toolchain pinned by digest: what the Containerfile and the Job are made of. Made when first
/// asked for: a pass that keeps the recorded build needs it only to create that build's Job again (issue 17: a pinned
/// copy on every pass was 4.6 % of the operator's CPU).
/// </param>
/// <param name="Reason">Why a new build runs (a <see cref="BuildReasons"/> value), or null when the recorded build is kept.</param>
/// <param name="Toolchain">The toolchain images and their digests, or null when the recorded build predates pinning.</param>
/// <param name="Inputs">The digest of the TinyImage's own inputs (<see cref="Building.PinnedBuildHash.Inputs"/>).</param>
internal sealed record BuildPlan(Lazy<ValidTinyImage> PinnedOnce, string? Reason, IReadOnlyList<ToolchainImage>? Toolchain, string Inputs)
{
    /// <summary>A plan whose pinned TinyImage is made already (a new build: its hash is computed from it).</summary>
    public BuildPlan(ValidTinyImage pinned, string? reason, IReadOnlyList<ToolchainImage>? toolchain, string inputs)
        : this(new Lazy<ValidTinyImage>(pinned), reason, toolchain, inputs)
    {
    }

    /// <summary>The TinyImage with its toolchain pinned by digest.</summary>
    public ValidTinyImage Pinned => PinnedOnce.Value;
}
