using k8s.Models;
using Ctx = TinyImage.Kube.KubeJsonContext;

namespace TinyImage.Kube;

/// <summary>Descriptors of the built-in kinds the operator reads or owns.</summary>
public static class ResourceTypes
{
    public static ResourceType<V1ConfigMap> ConfigMaps { get; } =
        ResourceType<V1ConfigMap>.Create("", "v1", "configmaps", "ConfigMap", true, Ctx.Default.V1ConfigMap, Ctx.Default.V1ConfigMapList);

    public static ResourceType<V1Secret> Secrets { get; } =
        ResourceType<V1Secret>.CreateUnlisted("", "v1", "secrets", "Secret", true, Ctx.Default.V1Secret);

    /// <summary>Pods, read only: metadata and the containers' states (<see cref="ObservedPod"/>), not KubernetesClient's whole model.</summary>
    public static ResourceType<ObservedPod> Pods { get; } =
        ResourceType<ObservedPod>.Create("", "v1", "pods", "Pod", true, Ctx.Default.ObservedPod, Ctx.Default.ObservedPodList);

    public static ResourceType<V1Service> Services { get; } =
        ResourceType<V1Service>.Create("", "v1", "services", "Service", true, Ctx.Default.V1Service, Ctx.Default.V1ServiceList);

    public static ResourceType<V1Job> Jobs { get; } =
        ResourceType<V1Job>.Create("batch", "v1", "jobs", "Job", true, Ctx.Default.V1Job, Ctx.Default.V1JobList);

    public static ResourceType<V1Deployment> Deployments { get; } =
        ResourceType<V1Deployment>.Create("apps", "v1", "deployments", "Deployment", true, Ctx.Default.V1Deployment, Ctx.Default.V1DeploymentList);

    public static ResourceType<V1NetworkPolicy> NetworkPolicies { get; } =
        ResourceType<V1NetworkPolicy>.CreateUnlisted("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, Ctx.Default.V1NetworkPolicy);

    /// <summary>Leases: acquireTime and renewTime are MicroTimes (<see cref="MicroTimeJson"/>).</summary>
    public static ResourceType<V1Lease> Leases { get; } =
        ResourceType<V1Lease>.CreateUnlisted("coordination.k8s.io", "v1", "leases", "Lease", true, MicroTimeJson.Context.V1Lease);

    /// <summary>core/v1 Events, as controllers built on client-go's record package (the Job controller) write them.</summary>
    public static ResourceType<Corev1Event> CoreEvents { get; } =
        ResourceType<Corev1Event>.Create("", "v1", "events", "Event", true, Ctx.Default.Corev1Event, Ctx.Default.Corev1EventList);

    /// <summary>events.k8s.io/v1 Events: eventTime and series.lastObservedTime are MicroTimes (<see cref="MicroTimeJson"/>).</summary>
    public static ResourceType<Eventsv1Event> Events { get; } =
        ResourceType<Eventsv1Event>.CreateUnlisted("events.k8s.io", "v1", "events", "Event", true, MicroTimeJson.Context.Eventsv1Event);
}
