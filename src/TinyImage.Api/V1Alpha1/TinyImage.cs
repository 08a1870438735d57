using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// A TinyImage builds a Rust service into a tiny, auditable scratch image with Kaniko, verifies the SBOM
/// that cargo-auditable embedded in its binary, and deploys exactly the verified digest.
/// </summary>
[CelRule(NameRule, NameMessage)]
public sealed class TinyImage : IKubernetesObject<V1ObjectMeta>, ISpec<TinyImageSpec>, IStatus<TinyImageStatus?>
{
    public const string Group = "tinyimage.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "TinyImage";
    public const string Plural = "tinyimages";
    public const string Singular = "tinyimage";
    public const string ShortName = "ti";

    /// <summary>
    /// The longest TinyImage name: the Service is named after the TinyImage and a Service name is a DNS-1035 label
    /// (at most 63 characters). Every other child fits then too: the Deployment is NAME, the SBOM ConfigMap NAME-sbom
    /// (a DNS subdomain, at most 253), and the build Job and ConfigMap NAME-build-HASH are shortened to 63 by
    /// ChildMetadata.BuildName, as are the label values that carry the name.
    /// </summary>
    public const int MaxNameLength = 63;

    /// <summary>A DNS-1035 label: lower case letters, digits and '-', starting with a letter, ending with a letter or digit.</summary>
    public const string NamePattern = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>The CEL rule at the schema root that refuses, at apply time, a name whose children could not be created.</summary>
    public const string NameRule = "self.metadata.name.size() <= 63 && self.metadata.name.matches('" + NamePattern + "')";

    public const string NameMessage =
        "metadata.name must be a DNS-1035 label of at most 63 characters (lower case letters, digits and '-', starting with a letter, no dots): the TinyImage's Service is named after it";

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
