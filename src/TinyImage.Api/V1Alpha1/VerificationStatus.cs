using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The outcome of verifying one digest under one policy: a fact, so a refusal is not verified again until the spec or the retry annotation changes.</summary>
public sealed class VerificationStatus
{
    /// <summary>The verified digest.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>The hash of what was verified: the build hash, the digest, the binary name and the verify policy.</summary>
    [JsonPropertyName("policyHash")]
    public string? PolicyHash { get; set; }

    /// <summary>Whether the image passed.</summary>
    [JsonPropertyName("passed")]
    public bool Passed { get; set; }

    /// <summary>The verifier's reason (Verified, or why it was refused).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>The verifier's sentence.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>The value of the tinyimage.dev/retry annotation the verification ran under.</summary>
    [JsonPropertyName("retry")]
    public string? Retry { get; set; }
}
