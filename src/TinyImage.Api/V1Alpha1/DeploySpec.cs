using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>How the verified image runs.</summary>
public sealed class DeploySpec
{
    /// <summary>Number of pods. With `autoscaling`, only the number the Deployment starts with.</summary>
    [JsonPropertyName("replicas")]
    [Range(0, 100)]
    [Default("1")]
    public int Replicas { get; set; } = 1;

    /// <summary>The port the service listens on inside the container (named `http`).</summary>
    [JsonPropertyName("containerPort")]
    [Range(1, 65535)]
    [Default("3000")]
    public int ContainerPort { get; set; } = 3000;

    /// <summary>Arguments passed to the binary (exec form; no shell is involved).</summary>
    [JsonPropertyName("args")]
    [MaxLength(64)]
    public IList<string>? Args { get; set; }

    /// <summary>Environment variables of the container.</summary>
    [JsonPropertyName("env")]
    [MaxLength(128)]
    public IList<EnvVarSpec>? Env { get; set; }

    /// <summary>
    /// Run this digest instead of the latest verified build: a rollback, without a build, to any digest in
    /// status.build.history. A person's pin wins over the verification of newer builds (an advisory Deny included), and the
    /// Deployed condition says so. A digest not in the history is refused (Deployed False, PinDigestNotInHistory).
    /// </summary>
    [JsonPropertyName("pinDigest")]
    [Pattern(Patterns.Sha256Digest)]
    public string? PinDigest { get; set; }

    /// <summary>Resources of the container.</summary>
    [JsonPropertyName("resources")]
    public ResourceRequirementsSpec? Resources { get; set; }

    /// <summary>An autoscaler owns the replica count: the operator stops writing the Deployment's spec.replicas.</summary>
    [JsonPropertyName("autoscaling")]
    public AutoscalingSpec? Autoscaling { get; set; }

    /// <summary>Secrets (`kubernetes.io/dockerconfigjson`) the workload pulls its image with. The push secret (`output.pushSecret`) never reaches the workload.</summary>
    [JsonPropertyName("imagePullSecrets")]
    [MaxLength(16)]
    [Pattern(Patterns.ObjectName)]
    public IList<string>? ImagePullSecrets { get; set; }

    /// <summary>An HTTPRoute or Ingress for the Service, when the administrator allows the hostname.</summary>
    [JsonPropertyName("route")]
    public RouteSpec? Route { get; set; }

    /// <summary>The Service in front of the pods.</summary>
    [JsonPropertyName("service")]
    [Default("{}")]
    public ServiceSpec Service { get; set; } = new();
}
