using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Kube;
using TinyImage.Operator.Telemetry;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Step 6: ensure the Deployment (image pinned to the verified digest) and the Service. Desired and actual are compared
/// semantically (fields the API server defaults do not count), so a steady state costs no writes.
/// </summary>
internal sealed class DeployStep(ClusterView cluster, OperatorOptions options, ILogger logger)
{
    public async Task<DeployResult> EnsureAsync(ReconcilePass pass, CancellationToken cancellationToken)
    {
        using var span = OperatorTracing.Step("deploy");
        if (pass.Status.Image is not { Reference: { } reference, SpecHash: { } specHash })
        {
            return DeployResult.NoImage;
        }

        var desired = DeploymentBuilder.Build(pass.TinyImage, reference, specHash, options);
        var (deployment, deploymentWritten) = await EnsureAsync(cluster.Deployments, cluster.DeploymentCache, desired, d => d.Spec, (d, s) => d.Spec = s, cancellationToken).ConfigureAwait(false);
        var service = ServiceBuilder.Build(pass.TinyImage);
        var (_, serviceWritten) = await EnsureAsync(cluster.Services, cluster.ServiceCache, service, s => s.Spec, (s, spec) => s.Spec = spec, cancellationToken).ConfigureAwait(false);
        if (deployment is null || serviceWritten is null)
        {
            return new DeployResult(true, false, 0, Conflict: true);
        }

        var replicas = desired.Spec.Replicas ?? 1;
        var status = deployment.Status;
        var available = deploymentWritten == false
            && status?.ObservedGeneration >= deployment.Metadata.Generation
            && (status.AvailableReplicas ?? 0) >= replicas;
        return new DeployResult(true, available, status?.ReadyReplicas ?? 0, false);
    }

    /// <summary>The workload as the cache shows it, without writing (for a pass that stops before deploying).</summary>
    public DeployResult Observe(ReconcilePass pass)
    {
        if (pass.Status.Image?.Reference is not { } reference)
        {
            return DeployResult.NoImage;
        }

        var deployment = cluster.DeploymentCache.Get(pass.Namespace, pass.Name);
        var container = deployment?.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        var status = deployment?.Status;
        var available = container?.Image == reference
            && status?.ObservedGeneration >= deployment!.Metadata.Generation
            && (status.AvailableReplicas ?? 0) >= (deployment.Spec?.Replicas ?? 1);
        return new DeployResult(true, available, status?.ReadyReplicas ?? 0, false);
    }

    /// <summary>Creates or updates one child; returns the object as last seen and whether it was written (null: lost a race).</summary>
    private async Task<(T? Value, bool? Written)> EnsureAsync<T, TSpec>(ResourceClient<T> client, ResourceCache<T> cache, T desired, Func<T, TSpec> spec, Action<T, TSpec> setSpec, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TSpec : class
    {
        var info = client.Type.ItemInfo;
        var actual = cache.Get(ObjectKey.Of(desired));
        if (actual is null)
        {
            var created = await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Created {Kind} {Namespace}/{Name}: {Outcome}", client.Type.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, created.Outcome);
            return created.Outcome switch
            {
                WriteOutcome.Ok => (created.Value, true),
                WriteOutcome.AlreadyExists => (desired, true), // the cache lags; the watch event brings it
                _ => (null, null),
            };
        }

        var metadataMatches = IsSubset(desired.Metadata.Labels, actual.Metadata.Labels)
            && IsSubset(desired.Metadata.Annotations, actual.Metadata.Annotations)
            && (desired.Metadata.OwnerReferences ?? []).All(o => actual.Metadata.OwnerReferences?.Any(a => a.Uid == o.Uid && a.Controller == o.Controller) == true);
        var specMatches = ChildComparer.Matches(Node(desired, info, "spec"), Node(actual, info, "spec"));
        if (metadataMatches && specMatches)
        {
            return (actual, false);
        }

        var updated = ObjectCopy.Clone(actual, info);
        updated.Metadata.Labels = Merge(updated.Metadata.Labels, desired.Metadata.Labels);
        updated.Metadata.Annotations = Merge(updated.Metadata.Annotations, desired.Metadata.Annotations);
        updated.Metadata.OwnerReferences = desired.Metadata.OwnerReferences;
        setSpec(updated, spec(desired));
        var written = await client.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Updated {Kind} {Namespace}/{Name}: {Outcome}", client.Type.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, written.Outcome);
        return written.IsOk ? (written.Value, true) : (null, null);
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
