using System.Text.Json;
using k8s;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Deploying.Gateway;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Ensures the route of <c>deploy.route</c> (an HTTPRoute or an Ingress named like the TinyImage) and removes this
/// TinyImage's route of the other kind. Routes are read directly, not watched: a TinyImage without a route costs nothing,
/// one with a route one read per pass (two when the other kind's CRD exists); a steady state writes nothing (the spec is
/// compared semantically). A route held by another owner is left alone and reported. The hostname was allowed by
/// the admin policy (<see cref="Policy.PolicyEvaluator"/>) before the pass got here.
/// </summary>
internal static class RouteApplier
{
    public static async Task<ApplyOutcome?> ApplyAsync(Reconciliation run, ValidTinyImage valid, ClusterView cluster, CancellationToken cancellationToken)
    {
        if (valid.Spec.Deploy.Route is not { } route)
        {
            return null;
        }

        if (route.Kind == RouteSpec.KindIngress)
        {
            await DeleteOursAsync(cluster.HttpRoutes, run, cancellationToken).ConfigureAwait(false);
            return await ApplyOneAsync(cluster.Ingresses, RouteBuilder.Ingress(valid), run.Uid, i => i.Spec, (i, s) => i.Spec = s, cancellationToken).ConfigureAwait(false);
        }

        await DeleteOursAsync(cluster.Ingresses, run, cancellationToken).ConfigureAwait(false);
        return await ApplyOneAsync(cluster.HttpRoutes, RouteBuilder.HttpRoute(valid), run.Uid, r => r.Spec, (r, s) => r.Spec = s, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ApplyOutcome> ApplyOneAsync<T, TSpec>(ResourceClient<T> client, T desired, string? uid, Func<T, TSpec> spec, Action<T, TSpec> setSpec, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var actual = await client.GetAsync(desired.Metadata.NamespaceProperty, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            var created = await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            return created.Outcome == WriteOutcome.Ok ? ApplyOutcome.Created : ApplyOutcome.Conflict;
        }

        if (!ChildWriter.IsControlledBy(actual, uid))
        {
            return ApplyOutcome.NotOurs;
        }

        var info = client.Type.ItemInfo;
        if (ChildWriter.IsSubset(desired.Metadata.Labels, actual.Metadata.Labels)
            && ChildComparer.Matches(JsonSerializer.SerializeToNode(desired, info)?["spec"], JsonSerializer.SerializeToNode(actual, info)?["spec"]))
        {
            return ApplyOutcome.Unchanged;
        }

        actual.Metadata.Labels = ChildWriter.Merge(actual.Metadata.Labels, desired.Metadata.Labels);
        setSpec(actual, spec(desired));
        var written = await client.ReplaceAsync(actual, cancellationToken).ConfigureAwait(false);
        return written.IsOk ? ApplyOutcome.Updated : ApplyOutcome.Conflict;
    }

    private static async Task DeleteOursAsync<T>(ResourceClient<T> client, Reconciliation run, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        // A kind that is not served (no Gateway API CRDs) answers 404 like a missing object: nothing of ours exists.
        var existing = await client.GetAsync(run.Namespace, run.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null && ChildWriter.IsControlledBy(existing, run.Uid))
        {
            await client.DeleteAsync(run.Namespace, run.Name, PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
        }
    }
}
