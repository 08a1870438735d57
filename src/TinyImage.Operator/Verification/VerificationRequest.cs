namespace TinyImage.Operator.Verification;

/// <summary>What to verify: an image pinned by digest, the binary inside it, the policy, and how to reach the registry.</summary>
/// <param name="Repository">Image repository without tag or digest, e.g. <c>registry.example:5000/team/hello</c>.</param>
/// <param name="Digest">The manifest digest, <c>sha256:</c> followed by 64 lowercase hex digits.</param>
/// <param name="BinaryName">The cargo binary name; the file is <c>/bin/&lt;BinaryName&gt;</c> in the image.</param>
/// <param name="Policy">The verification policy from the TinyImage's <c>verify</c> block.</param>
/// <param name="DockerConfigJson">The content of a <c>kubernetes.io/dockerconfigjson</c> Secret's <c>.dockerconfigjson</c>, or null for anonymous access.</param>
/// <param name="Insecure">Plain HTTP (or TLS without verification) to the registry, as the TinyImage's <c>output.insecure</c> allows.</param>
internal sealed record VerificationRequest(
    string Repository,
    string Digest,
    string BinaryName,
    VerifyPolicy Policy,
    byte[]? DockerConfigJson,
    bool Insecure);
