using k8s.Models;
using TinyImage.Api;
using TinyImage.Operator.Building;

namespace TinyImage.Operator.Deploying;

/// <summary>The Service <c>NAME</c> in front of the workload's pods: the spec's type and port, to the container port named <c>http</c>.</summary>
internal static class ServiceBuilder
{
    /// <summary>The Service; its selector is the Deployment's.</summary>
    public static V1Service Build(ValidTinyImage tinyImage)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var ti = tinyImage.Resource;
        var service = ti.Spec.Deploy.Service;
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ChildMetadata.Metadata(ti, ti.Metadata.Name, ChildMetadata.Labels(ti, ChildMetadata.ComponentWorkload)),
            Spec = new V1ServiceSpec
            {
                Type = service.Type,
                Selector = ChildMetadata.WorkloadSelector(ti),
                Ports =
                [
                    new V1ServicePort { Name = DeploymentBuilder.PortName, Port = service.Port, TargetPort = DeploymentBuilder.PortName, Protocol = "TCP" },
                ],
            },
        };
    }
}
