using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Deploying;

/// <summary>
/// The Deployment <c>NAME</c> running exactly the verified digest, under the restricted Pod Security Standard.
/// Pure function of (TinyImage, image reference, build hash).
/// </summary>
/// <remarks>
/// Probes are TCP checks on the <c>http</c> port: a scratch image has no shell and no HTTP client, and the binary's
/// routes are unknown. The selector holds only labels that never change for a TinyImage, because it is immutable.
/// </remarks>
internal static class DeploymentBuilder
{
    public const string ContainerName = "app";
    public const string PortName = "http";

    /// <summary>A digest reference: <c>REPOSITORY@sha256:HEX</c>.</summary>
    public const string DigestReferencePattern = "^[^@]+@sha256:[a-f0-9]{64}$";

    /// <summary>
    /// The Deployment (its replicas are <c>deploy.replicas</c>; with <c>deploy.autoscaling</c> the reconciler writes them at
    /// creation only); <paramref name="imageRef"/> must be <c>REPOSITORY@sha256:...</c>, never a tag. The pods run as
    /// the options' RunAsUser (the user the Containerfile's USER names), 65532 without options.
    /// </summary>
    public static V1Deployment Build(ValidTinyImage tinyImage, string imageRef, string specHash, OperatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var ti = tinyImage.Resource;
        if (imageRef is null || !SpecValidator.IsFullMatch(imageRef, Patterns.ImageReference) || !SpecValidator.IsFullMatch(imageRef, DigestReferencePattern))
        {
            throw new ArgumentException("the image must be a digest reference REPOSITORY@sha256:HEX", nameof(imageRef));
        }

        if (!BuildHash.IsValid(specHash))
        {
            throw new ArgumentException("not a build hash: must match " + BuildHash.Pattern, nameof(specHash));
        }

        var deploy = ti.Spec.Deploy;
        var selector = ChildMetadata.WorkloadSelector(ti);
        var labels = ChildMetadata.Labels(ti, ChildMetadata.ComponentWorkload);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [Annotations.BuildHashLabel] = specHash };
        var user = options?.RunAsUser ?? OperatorOptions.DefaultRunAsUser;

        var container = new V1Container
        {
            Name = ContainerName,
            Image = imageRef,
            ImagePullPolicy = "IfNotPresent",
            // The image's CMD is the binary; naming it as the command makes spec args arguments of the binary.
            Command = ["/bin/" + ti.Spec.Binary],
            Args = deploy.Args is { Count: > 0 } args ? [.. args] : null,
            Env = deploy.Env is { Count: > 0 } env ? env.Select(ToEnvVar).ToList() : null,
            Ports = [new V1ContainerPort { Name = PortName, ContainerPort = deploy.ContainerPort, Protocol = "TCP" }],
            ReadinessProbe = new V1Probe
            {
                TcpSocket = new V1TCPSocketAction { Port = PortName },
                InitialDelaySeconds = 1,
                PeriodSeconds = 5,
                FailureThreshold = 3,
            },
            LivenessProbe = new V1Probe
            {
                TcpSocket = new V1TCPSocketAction { Port = PortName },
                InitialDelaySeconds = 5,
                PeriodSeconds = 10,
                FailureThreshold = 3,
            },
            Resources = ChildMetadata.Resources(deploy.Resources),
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ChildMetadata.Metadata(ti, ti.Metadata.Name, labels, annotations),
            Spec = new V1DeploymentSpec
            {
                Replicas = deploy.Replicas,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                        Annotations = new Dictionary<string, string>(annotations, StringComparer.Ordinal),
                    },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = user,
                            RunAsGroup = user,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        // deploy.imagePullSecrets only: the push secret (output.pushSecret) never reaches the workload.
                        ImagePullSecrets = deploy.ImagePullSecrets is { Count: > 0 } pullSecrets
                            ? pullSecrets.Distinct(StringComparer.Ordinal).Select(n => new V1LocalObjectReference { Name = n }).ToList()
                            : null,
                        Containers = [container],
                    },
                },
            },
        };
    }

    /// <summary>True when <c>deploy.autoscaling</c> says an autoscaler owns the Deployment's <c>spec.replicas</c>.</summary>
    public static bool AutoscalerOwnsReplicas(ValidTinyImage tinyImage)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        return tinyImage.Spec.Deploy.Autoscaling is { Enabled: true };
    }

    private static V1EnvVar ToEnvVar(EnvVarSpec e) => new()
    {
        Name = e.Name,
        Value = e.Value,
        ValueFrom = e.ValueFrom switch
        {
            { SecretKeyRef: { } s } => new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = s.Name, Key = s.Key } },
            { ConfigMapKeyRef: { } c } => new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = c.Name, Key = c.Key } },
            _ => null,
        },
    };
}
