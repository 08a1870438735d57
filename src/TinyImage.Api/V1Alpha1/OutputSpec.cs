using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>Where the image is pushed.</summary>
public sealed class OutputSpec
{
    /// <summary>The image repository, without tag or digest, e.g. `registry.example.com/team/hello`.</summary>
    [JsonPropertyName("repository")]
    [Required]
    [Pattern(Patterns.ImageRepository)]
    [MaxLength(255)]
    public string Repository { get; set; } = "";

    /// <summary>The tag to push. Defaults to `build-` followed by the build hash. The deployment always uses the digest.</summary>
    [JsonPropertyName("tag")]
    [Pattern(Patterns.ImageTag)]
    [MaxLength(128)]
    public string? Tag { get; set; }

    /// <summary>A `kubernetes.io/dockerconfigjson` Secret in the same namespace with push (and pull) credentials. Only the build pod and the operator's verifier read it.</summary>
    [JsonPropertyName("pushSecret")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? PushSecret { get; set; }

    /// <summary>The registry speaks plain HTTP or has an untrusted certificate (Kaniko `--insecure`, `--skip-tls-verify`). For local registries only, and only those the operator's admin policy lists (chart value `policy.insecureRegistries`); otherwise the TinyImage stalls with `PolicyDenied`.</summary>
    [JsonPropertyName("insecure")]
    [Default("false")]
    public bool Insecure { get; set; }
}
