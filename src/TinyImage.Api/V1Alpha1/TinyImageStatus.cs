using System.Text.Json.Serialization;
using k8s.Models;

namespace TinyImage.Api.V1Alpha1;

/// <summary>What the operator observed. Reconstructable from the cluster at any time.</summary>
public sealed class TinyImageStatus
{
    /// <summary>The metadata.generation this status speaks of.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Pending, Building, Verifying, Deploying, Ready or Failed.</summary>
    [JsonPropertyName("phase")]
    [EnumValues(Phases.Pending, Phases.Building, Phases.Verifying, Phases.Deploying, Phases.Ready, Phases.Failed)]
    public string? Phase { get; set; }

    /// <summary>
    /// Ready, Reconciling and Stalled (kstatus), the step conditions Built, SbomVerified and Deployed, and, with
    /// `verify.advisories`, Vulnerable: whether a RustSec advisory affects the serving image (re-audited when the advisory
    /// database changes; it never makes Ready False).
    /// </summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>The git source's revision the current build hash is made of.</summary>
    [JsonPropertyName("source")]
    public SourceStatus? Source { get; set; }

    /// <summary>The build of the current spec.</summary>
    [JsonPropertyName("build")]
    public BuildStatus? Build { get; set; }

    /// <summary>The latest verified image: the one deployed, or being rolled out, once the current spec's image is verified.</summary>
    [JsonPropertyName("image")]
    public ImageStatus? Image { get; set; }

    /// <summary>The workload that serves (its rollout completed), and what it was verified and deployed with.</summary>
    [JsonPropertyName("serving")]
    public ServingStatus? Serving { get; set; }

    /// <summary>The verified image's SBOM.</summary>
    [JsonPropertyName("sbom")]
    public SbomStatus? Sbom { get; set; }

    /// <summary>The outcome of the latest verification of a built digest under the spec's policy.</summary>
    [JsonPropertyName("verification")]
    public VerificationStatus? Verification { get; set; }

    /// <summary>
    /// The value of the tinyimage.dev/retry annotation the operator has seen (as Flux's lastHandledReconcileAt): once it
    /// equals the annotation, a failed build or a refused verification of the same spec has been run again.
    /// </summary>
    [JsonPropertyName("lastHandledRetry")]
    public string? LastHandledRetry { get; set; }

    /// <summary>The workload.</summary>
    [JsonPropertyName("deployment")]
    public DeploymentStatus? Deployment { get; set; }
}
