using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Operator.Api.V1Alpha1;

/// <summary>
/// A TinyImage builds a Rust service into a tiny, auditable scratch image with Kaniko, verifies the SBOM
/// that cargo-auditable embedded in its binary, and deploys exactly the verified digest.
/// </summary>
internal sealed class TinyImage : IKubernetesObject<V1ObjectMeta>, ISpec<TinyImageSpec>, IStatus<TinyImageStatus?>
{
    public const string Group = "tinyimage.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "TinyImage";
    public const string Plural = "tinyimages";
    public const string Singular = "tinyimage";
    public const string ShortName = "ti";

    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindValue;

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to build, how to verify it, and how to run it.</summary>
    [JsonPropertyName("spec")]
    [Required]
    public TinyImageSpec Spec { get; set; } = new();

    /// <summary>What the operator observed: phase, conditions, the build, the verified image and its SBOM.</summary>
    [JsonPropertyName("status")]
    public TinyImageStatus? Status { get; set; }
}
