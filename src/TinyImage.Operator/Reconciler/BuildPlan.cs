using TinyImage.Api;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Reconciler;

/// <summary>What the inputs step decided about the build (the hash itself is <see cref="Reconciliation.Hash"/>).</summary>
/// <param name="Pinned">The TinyImage with its toolchain pinned by digest: what the Containerfile and the Job are made of.</param>
/// <param name="Reason">Why a new build runs (a <see cref="BuildReasons"/> value), or null when the recorded build is kept.</param>
/// <param name="Toolchain">The toolchain images and their digests, or null when the recorded build predates pinning.</param>
/// <param name="Inputs">The digest of the TinyImage's own inputs (<see cref="Building.PinnedBuildHash.Inputs"/>).</param>
internal sealed record BuildPlan(ValidTinyImage Pinned, string? Reason, IReadOnlyList<ToolchainImage>? Toolchain, string Inputs);
