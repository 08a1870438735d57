using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Deploying.Gateway;

namespace TinyImage.Operator.Deploying;

/// <summary>
/// The route of <c>deploy.route</c>, named like the TinyImage: an <c>HTTPRoute</c> attached to the named Gateway or an
/// <c>Ingress</c> of the named class, for the one hostname and the path prefix, to the Service's port. Pure functions
/// of the validated spec; whether the hostname is allowed is the admin policy's question (PolicyEvaluator).
/// </summary>
internal static class RouteBuilder
{
    /// <summary>The HTTPRoute; throws when the spec asks for no HTTPRoute.</summary>
    public static HttpRoute HttpRoute(ValidTinyImage tinyImage)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var ti = tinyImage.Resource;
        var route = ti.Spec.Deploy.Route is { Kind: RouteSpec.KindHttpRoute, Gateway: { } gateway } r
            ? r
            : throw new ArgumentException("the TinyImage asks for no HTTPRoute", nameof(tinyImage));
        return new HttpRoute
        {
            Metadata = ChildMetadata.Metadata(ti, ti.Metadata.Name, ChildMetadata.Labels(ti, ChildMetadata.ComponentWorkload)),
            Spec = new HttpRouteSpec
            {
                // group and kind are written as the API server defaults them, so the stored route compares equal.
                ParentRefs = [new HttpRouteParentRef { Group = Gateway.HttpRoute.Group, Kind = "Gateway", Name = gateway.Name, Namespace = gateway.Namespace, SectionName = gateway.SectionName }],
                Hostnames = [route.Hostname],
                Rules =
                [
                    new HttpRouteRule
                    {
                        Matches = [new HttpRouteMatch { Path = new HttpPathMatch { Type = "PathPrefix", Value = route.Path } }],
                        BackendRefs = [new HttpBackendRef { Group = "", Kind = "Service", Name = ti.Metadata.Name, Port = ti.Spec.Deploy.Service.Port, Weight = 1 }],
                    },
                ],
            },
        };
    }

    /// <summary>The Ingress; throws when the spec asks for no Ingress.</summary>
    public static V1Ingress Ingress(ValidTinyImage tinyImage)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var ti = tinyImage.Resource;
        var route = ti.Spec.Deploy.Route is { Kind: RouteSpec.KindIngress } r
            ? r
            : throw new ArgumentException("the TinyImage asks for no Ingress", nameof(tinyImage));
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = ChildMetadata.Metadata(ti, ti.Metadata.Name, ChildMetadata.Labels(ti, ChildMetadata.ComponentWorkload)),
            Spec = new V1IngressSpec
            {
                IngressClassName = route.IngressClassName,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = route.Hostname,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = route.Path,
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend
                                        {
                                            Name = ti.Metadata.Name,
                                            Port = new V1ServiceBackendPort { Number = ti.Spec.Deploy.Service.Port },
                                        },
                                    },
                                },
                            ],
                        },
                    },
                ],
            },
        };
    }
}
