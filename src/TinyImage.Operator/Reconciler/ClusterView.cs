using k8s.Models;
using TinyImage.Kube;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What the reconciler sees of the cluster: informer caches for the TinyImages and the children it owns (read these,
/// never the API, for steady-state passes), and typed clients for writes and for the few objects it does not watch
/// (source ConfigMaps, Secrets, build pods and their logs, the Job controller's Events).
/// </summary>
internal sealed class ClusterView
{
    public ClusterView(KubeConnection connection)
    {
        TinyImages = new ResourceClient<TinyImageResource>(connection, TinyImageTypes.TinyImages);
        ConfigMaps = new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps);
        Secrets = new ResourceClient<V1Secret>(connection, ResourceTypes.Secrets);
        Jobs = new ResourceClient<V1Job>(connection, ResourceTypes.Jobs);
        Pods = new ResourceClient<ObservedPod>(connection, ResourceTypes.Pods);
        Deployments = new ResourceClient<V1Deployment>(connection, ResourceTypes.Deployments);
        Services = new ResourceClient<V1Service>(connection, ResourceTypes.Services);
        NetworkPolicies = new ResourceClient<V1NetworkPolicy>(connection, ResourceTypes.NetworkPolicies);
        Events = new ResourceClient<Eventsv1Event>(connection, ResourceTypes.Events);
        CoreEvents = new ResourceClient<Corev1Event>(connection, ResourceTypes.CoreEvents);
        Ingresses = new ResourceClient<V1Ingress>(connection, Ingress);
        HttpRoutes = new ResourceClient<Deploying.Gateway.HttpRoute>(connection, Deploying.Gateway.GatewayTypes.HttpRoutes);
    }

    /// <summary>networking.k8s.io/v1 Ingress.</summary>
    public static ResourceType<V1Ingress> Ingress { get; } =
        ResourceType<V1Ingress>.CreateUnlisted("networking.k8s.io", "v1", "ingresses", "Ingress", true, KubeJsonContext.Default.V1Ingress);

    /// <summary>deploy.route as an Ingress: read directly, not watched (only TinyImages with a route pay a read).</summary>
    public ResourceClient<V1Ingress> Ingresses { get; }

    /// <summary>deploy.route as a Gateway API HTTPRoute: read directly, not watched (the CRD may not be installed).</summary>
    public ResourceClient<Deploying.Gateway.HttpRoute> HttpRoutes { get; }

    public ResourceClient<TinyImageResource> TinyImages { get; }

    public ResourceClient<V1ConfigMap> ConfigMaps { get; }

    public ResourceClient<V1Secret> Secrets { get; }

    public ResourceClient<V1Job> Jobs { get; }

    public ResourceClient<ObservedPod> Pods { get; }

    public ResourceClient<V1Deployment> Deployments { get; }

    public ResourceClient<V1Service> Services { get; }

    /// <summary>Write only (get, create, update): the build pods' NetworkPolicy, written when a build starts; not watched.</summary>
    public ResourceClient<V1NetworkPolicy> NetworkPolicies { get; }

    public ResourceClient<Eventsv1Event> Events { get; }

    /// <summary>Read only: the Job controller's FailedCreate Events about build Jobs.</summary>
    public ResourceClient<Corev1Event> CoreEvents { get; }

    public ResourceCache<TinyImageResource> TinyImageCache { get; set; } = new();

    public ResourceCache<V1Job> JobCache { get; set; } = new(CachedForm.Job);

    public ResourceCache<V1ConfigMap> ConfigMapCache { get; set; } = new(CachedForm.ConfigMap);

    public ResourceCache<V1Deployment> DeploymentCache { get; set; } = new(CachedForm.Deployment);

    /// <summary>The generation each Deployment had after the operator's own write or full comparison (forgotten when it goes).</summary>
    public OwnGenerations DeploymentGenerations { get; } = new();

    public ResourceCache<V1Service> ServiceCache { get; set; } = new();
}
