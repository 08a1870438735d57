using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>One verified build in status.build.history: what was built, why, from what, and what it holds.</summary>
public sealed class BuildRecord
{
    /// <summary>The verified image digest (a rollback target for spec.deploy.pinDigest).</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>The build hash it was built under.</summary>
    [JsonPropertyName("specHash")]
    public string? SpecHash { get; set; }

    /// <summary>Why it was built: FirstBuild, SpecChanged, NewCommit, NewToolchain or Retry.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>The source commit it was built from, when known.</summary>
    [JsonPropertyName("commit")]
    public string? Commit { get; set; }

    /// <summary>The binary verified in the image.</summary>
    [JsonPropertyName("binary")]
    public string? Binary { get; set; }

    /// <summary>Compressed size of the image in bytes.</summary>
    [JsonPropertyName("sizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary>Packages in the binary's SBOM.</summary>
    [JsonPropertyName("packageCount")]
    public int? PackageCount { get; set; }

    /// <summary>The toolchain digests (builder, kaniko) of the build, comma-separated role=digest.</summary>
    [JsonPropertyName("toolchain")]
    public string? Toolchain { get; set; }

    /// <summary>When the build finished.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>When the image passed verification.</summary>
    [JsonPropertyName("verifiedTime")]
    public DateTime? VerifiedTime { get; set; }
}
