using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The desired image and workload.</summary>
[CelRule("!has(self.verify) || !has(self.verify.scratchOnly) || !self.verify.scratchOnly || !has(self.build) || !has(self.build.base) || self.build.base == 'scratch'",
    "verify.scratchOnly requires build.base 'scratch': a distroless base holds more than the binary")]
public sealed class TinyImageSpec
{
    /// <summary>Where the Cargo project comes from: exactly one of a git repository or a ConfigMap.</summary>
    [JsonPropertyName("source")]
    [Required]
    public SourceSpec Source { get; set; } = new();

    /// <summary>The cargo binary target to build. It becomes /bin/BINARY in the image and its command.</summary>
    [JsonPropertyName("binary")]
    [Required]
    [Pattern(Patterns.BinaryName)]
    [MaxLength(64)]
    public string Binary { get; set; } = "";

    /// <summary>How to build: base image, libc, cargo-auditable, release profile, features, images, cache, resources, timeout. Defaults to the tiniest auditable build.</summary>
    [JsonPropertyName("build")]
    [Default("{}")]
    public BuildSpec Build { get; set; } = new();

    /// <summary>Where the built image is pushed.</summary>
    [JsonPropertyName("output")]
    [Required]
    public OutputSpec Output { get; set; } = new();

    /// <summary>What the embedded SBOM and the image must satisfy before the image is deployed.</summary>
    [JsonPropertyName("verify")]
    [Default("{}")]
    public VerifySpec Verify { get; set; } = new();

    /// <summary>How the verified image runs: a Deployment and a Service.</summary>
    [JsonPropertyName("deploy")]
    [Default("{}")]
    public DeploySpec Deploy { get; set; } = new();
}
