using TinyImage.Api;

namespace TinyImage.Operator.Reconciler;

/// <summary>The validated TinyImage (the only thing the builders take) and what the build hash and the verifier need besides it.</summary>
/// <param name="TinyImage">The pass's TinyImage, validated once.</param>
/// <param name="SourceDigest">The digest of the source ConfigMap's content, or null for a git source.</param>
/// <param name="DockerConfigJson">The push Secret's <c>.dockerconfigjson</c>, or null for anonymous access.</param>
/// <param name="Commit">The git commit the build is pinned to (resolved, or the spec's ref.commit), or null.</param>
/// <param name="ResolvedRef">The full ref the commit was resolved from (the default branch's name for HEAD), or null.</param>
internal sealed record BuildInputs(ValidTinyImage TinyImage, string? SourceDigest, byte[]? DockerConfigJson, string? Commit = null, string? ResolvedRef = null);
