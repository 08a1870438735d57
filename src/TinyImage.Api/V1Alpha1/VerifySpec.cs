using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The policy an image must pass before it is deployed.</summary>
public sealed class VerifySpec
{
    /// <summary>The binary must carry a cargo-auditable SBOM (.dep-v0 section).</summary>
    [JsonPropertyName("requireSbom")]
    [Default("true")]
    public bool RequireSbom { get; set; } = true;

    /// <summary>Crate names that must not appear in the SBOM, e.g. `openssl-sys`, `native-tls`.</summary>
    [JsonPropertyName("denyPackages")]
    [MaxLength(256)]
    [Pattern(Patterns.CrateName)]
    public IList<string>? DenyPackages { get; set; }

    /// <summary>The largest allowed image (compressed layers plus config), as a quantity such as `4Mi`.</summary>
    [JsonPropertyName("maxImageSize")]
    public ResourceQuantity? MaxImageSize { get; set; }

    /// <summary>The image may hold nothing but /bin/BINARY.</summary>
    [JsonPropertyName("scratchOnly")]
    [Default("false")]
    public bool ScratchOnly { get; set; }

    /// <summary>
    /// Audit the SBOM's packages against the RustSec advisory database the operator loads (its `--advisory-db`):
    /// what a matching advisory does, which advisories are ignored, which count. Absent: no audit.
    /// </summary>
    [JsonPropertyName("advisories")]
    public AdvisoriesSpec? Advisories { get; set; }
}
