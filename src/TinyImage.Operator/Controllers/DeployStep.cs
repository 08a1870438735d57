using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Step 6: ensure the Deployment and the Service of the verified workload. The workload runs what was verified: the
/// current spec's binary, args, env and port once the current spec's image is verified; until then what status
/// records as serving. Desired and actual are compared semantically (<see cref="ChildComparer"/>), so a steady state
/// costs no writes; only children this TinyImage controls are written.
/// </summary>
internal sealed class DeployStep(ClusterView cluster, OperatorOptions options, ILogger logger)
{
    public async Task<DeployResult> EnsureAsync(ReconcilePass pass, string hash, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step("deploy");
        if (Workload(pass, hash) is not { } workload)
        {
            return DeployResult.NoImage;
        }

        var desired = DeploymentBuilder.Build(AsVerified(pass.TinyImage, workload), workload.Reference!, workload.SpecHash!, options);
        var replicas = desired.Spec.Replicas ?? 1;
        var (deployment, deploymentWritten, blocked) = await EnsureAsync(pass, cluster.Deployments, cluster.DeploymentCache, desired, d => d.Spec, (d, s) => d.Spec = s, cancellationToken).ConfigureAwait(false);
        if (blocked is not null)
        {
            return new DeployResult(workload, RolloutState.None, blocked.Message, false, 0, false, blocked);
        }

        var service = ServiceBuilder.Build(pass.TinyImage);
        var (_, serviceWritten, serviceBlocked) = await EnsureAsync(pass, cluster.Services, cluster.ServiceCache, service, s => s.Spec, (s, spec) => s.Spec = spec, cancellationToken).ConfigureAwait(false);
        if (serviceBlocked is not null)
        {
            return Evaluate(deployment, deploymentWritten == true, workload, replicas) with { Blocked = serviceBlocked };
        }

        if (deployment is null || serviceWritten is null)
        {
            return new DeployResult(workload, RolloutState.InProgress, "a write lost a race", false, 0, Conflict: true);
        }

        return Evaluate(deployment, deploymentWritten == true, workload, replicas);
    }

    /// <summary>The workload as the cache shows it, without writing (for a pass that stops before deploying).</summary>
    public DeployResult Observe(ReconcilePass pass)
    {
        if (Workload(pass, hash: null) is not { } workload)
        {
            return DeployResult.NoImage;
        }

        var deployment = cluster.DeploymentCache.Get(pass.Namespace, pass.Name);
        if (deployment is null || !ChildOwnership.IsOurs(pass, deployment))
        {
            return new DeployResult(workload, RolloutState.None, "no Deployment", false, 0, false);
        }

        var container = deployment.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        var replicas = deployment.Spec?.Replicas ?? 1;
        return Evaluate(deployment, container?.Image != workload.Reference, workload, replicas);
    }

    /// <summary>
    /// What the Deployment runs: the current spec with the latest verified image once that image is the current
    /// spec's; until then the workload recorded as serving (or, before anything served, the verified image with the
    /// binary it was verified with). Null before any image is verified.
    /// </summary>
    public static ServingStatus? Workload(ReconcilePass pass, string? hash)
    {
        var (image, serving, spec) = (pass.Status.Image, pass.Status.Serving, pass.TinyImage.Spec);
        if (image is not { Reference: not null, SpecHash: not null })
        {
            return serving is { Reference: not null, SpecHash: not null } ? serving : null;
        }

        var current = hash is not null ? image.SpecHash == hash : serving is null;
        if (!current && serving is { Reference: not null, SpecHash: not null })
        {
            return serving;
        }

        return new ServingStatus
        {
            Reference = image.Reference,
            Digest = image.Digest,
            SpecHash = image.SpecHash,
            Binary = image.Binary ?? spec.Binary,
            Args = spec.Deploy.Args is { Count: > 0 } args ? [.. args] : null,
            Env = spec.Deploy.Env is { Count: > 0 } env ? [.. env.Select(EnvVarStatus.From)] : null,
            ContainerPort = spec.Deploy.ContainerPort,
        };
    }

    /// <summary>The TinyImage with the binary, args, env and port the workload was verified and deployed with.</summary>
    private static Api.V1Alpha1.TinyImage AsVerified(Api.V1Alpha1.TinyImage tinyImage, ServingStatus workload)
    {
        var copy = ObjectCopy.Clone(tinyImage, TinyImageTypes.TinyImages.ItemInfo);
        copy.Spec.Binary = workload.Binary ?? copy.Spec.Binary;
        copy.Spec.Deploy.Args = workload.Args;
        copy.Spec.Deploy.Env = workload.Env is { } env ? [.. env.Select(e => e.ToSpec())] : null;
        copy.Spec.Deploy.ContainerPort = workload.ContainerPort ?? copy.Spec.Deploy.ContainerPort;
        return copy;
    }

    private static DeployResult Evaluate(V1Deployment? deployment, bool written, ServingStatus workload, int replicas)
    {
        if (deployment is null)
        {
            return new DeployResult(workload, RolloutState.InProgress, "creating the Deployment", false, 0, false);
        }

        var status = deployment.Status;
        var available = (status?.AvailableReplicas ?? 0) >= replicas;
        var (state, detail) = written
            ? (RolloutState.InProgress, "the Deployment was updated to run " + workload.Reference)
            : RolloutStatus.Of(deployment, replicas);
        return new DeployResult(workload, state, detail, available, status?.ReadyReplicas ?? 0, false);
    }

    /// <summary>
    /// Creates or updates one child; returns the object as last seen, whether it was written (null: lost a race), and
    /// the problem when an object not controlled by this TinyImage holds the name (then nothing is written).
    /// </summary>
    private async Task<(T? Value, bool? Written, StepProblem? Blocked)> EnsureAsync<T, TSpec>(ReconcilePass pass, ResourceClient<T> client, ResourceCache<T> cache, T desired, Func<T, TSpec> spec, Action<T, TSpec> setSpec, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TSpec : class
    {
        var info = client.Type.ItemInfo;
        var actual = cache.Get(ObjectKey.Of(desired));
        if (actual is null)
        {
            var created = await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Created {Kind} {Namespace}/{Name}: {Outcome}", client.Type.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, created.Outcome);
            switch (created.Outcome)
            {
                case WriteOutcome.Ok:
                    return (created.Value, true, null);
                case WriteOutcome.AlreadyExists:
                    // The cache lags behind our own create, or the name is taken by an object we do not watch.
                    actual = await client.GetAsync(desired.Metadata.NamespaceProperty, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
                    if (actual is null)
                    {
                        return (null, null, null);
                    }

                    break;
                default:
                    return (null, null, null);
            }
        }

        if (ChildOwnership.Check(pass, actual, client.Type.Kind) is { } problem)
        {
            return (actual, false, problem);
        }

        var metadataMatches = IsSubset(desired.Metadata.Labels, actual.Metadata.Labels)
            && IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations);
        var specMatches = ChildComparer.Matches(Node(desired, info, "spec"), Node(actual, info, "spec"));
        if (metadataMatches && specMatches)
        {
            return (actual, false, null);
        }

        var updated = ObjectCopy.Clone(actual, info);
        updated.Metadata.Labels = Merge(updated.Metadata.Labels, desired.Metadata.Labels);
        updated.Metadata.Annotations = Merge(updated.Metadata.Annotations, desired.Metadata.Annotations);
        setSpec(updated, spec(desired));
        var written = await client.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Updated {Kind} {Namespace}/{Name}: {Outcome}", client.Type.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, written.Outcome);
        return written.IsOk ? (written.Value, true, null) : (null, null, null);
    }

    private static System.Text.Json.Nodes.JsonNode? Node<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string property) =>
        System.Text.Json.JsonSerializer.SerializeToNode(value, info)?[property];

    private static bool IsSubset(IDictionary<string, string>? desired, IDictionary<string, string>? actual) =>
        desired is null || desired.All(e => actual is not null && actual.TryGetValue(e.Key, out var value) && value == e.Value);

    private static Dictionary<string, string>? Merge(IDictionary<string, string>? actual, IDictionary<string, string>? desired)
    {
        if (actual is null && desired is null)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(actual ?? new Dictionary<string, string>());
        foreach (var (key, value) in desired ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}
