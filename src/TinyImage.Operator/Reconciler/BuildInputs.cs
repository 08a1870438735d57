namespace TinyImage.Operator.Reconciler;

/// <summary>What the build hash and the verifier need besides the spec.</summary>
/// <param name="SourceDigest">The digest of the source ConfigMap's content, or null for a git source.</param>
/// <param name="DockerConfigJson">The push Secret's <c>.dockerconfigjson</c>, or null for anonymous access.</param>
internal sealed record BuildInputs(string? SourceDigest, byte[]? DockerConfigJson);
