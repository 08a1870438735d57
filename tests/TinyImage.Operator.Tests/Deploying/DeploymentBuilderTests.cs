using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Deploying;

public sealed class DeploymentBuilderTests
{
    internal const string Hash = "0123456789";
    internal const string Image = "registry.tinyimage-system.svc:5000/demo/hello@sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Fact]
    public void Deployment_Runs_The_Digest_On_The_Http_Port_With_Tcp_Probes()
    {
        var d = DeploymentBuilder.Build(Samples.Hello().Valid(), Image, Hash);
        var c = Assert.Single(d.Spec.Template.Spec.Containers);

        Assert.Equal("hello", d.Metadata.Name);
        Assert.Equal(Image, c.Image);
        Assert.Equal(("http", 3000, "TCP"), (c.Ports[0].Name, c.Ports[0].ContainerPort, c.Ports[0].Protocol));
        Assert.Equal("http", c.ReadinessProbe.TcpSocket.Port.Value);
        Assert.Equal("http", c.LivenessProbe.TcpSocket.Port.Value);
        Assert.Equal(Hash, d.Metadata.Annotations[Annotations.BuildHashLabel]);
        Assert.Equal(Hash, d.Spec.Template.Metadata.Annotations[Annotations.BuildHashLabel]);
    }

    [Fact]
    public void Deployment_Refuses_A_Tag_Reference()
    {
        Assert.Throws<ArgumentException>(() => DeploymentBuilder.Build(Samples.Hello().Valid(), "registry.example.com/hello:latest", Hash));
        Assert.Throws<ArgumentException>(() => DeploymentBuilder.Build(Samples.Hello().Valid(), Image + "\n", Hash));
    }

    [Fact]
    public void Selector_Holds_Only_Stable_Labels_And_Matches_The_Pods()
    {
        var d = DeploymentBuilder.Build(Samples.Hello().Valid(), Image, Hash);
        var selector = d.Spec.Selector.MatchLabels;

        Assert.Equal(
            new Dictionary<string, string> { ["app.kubernetes.io/name"] = "tinyimage", ["app.kubernetes.io/instance"] = "hello", ["app.kubernetes.io/component"] = "workload" },
            selector);
        Assert.All(selector, kv => Assert.Equal(kv.Value, d.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Equal(selector, ServiceBuilder.Build(Samples.Hello().Valid()).Spec.Selector);
    }

    [Fact]
    public void Args_Env_Resources_Replicas_And_Pull_Secret_Come_From_The_Spec()
    {
        var ti = Samples.Git();
        ti.Spec.Deploy.Replicas = 3;
        ti.Spec.Deploy.ContainerPort = 8080;
        ti.Spec.Deploy.Args = ["--listen", "0.0.0.0:8080"];
        ti.Spec.Deploy.Env =
        [
            new EnvVarSpec { Name = "RUST_LOG", Value = "info" },
            new EnvVarSpec { Name = "TOKEN", ValueFrom = new EnvVarSourceSpec { SecretKeyRef = new KeyReference { Name = "app", Key = "token" } } },
            new EnvVarSpec { Name = "MODE", ValueFrom = new EnvVarSourceSpec { ConfigMapKeyRef = new KeyReference { Name = "cfg", Key = "mode" } } },
        ];
        ti.Spec.Deploy.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") } };
        ti.Spec.Deploy.ImagePullSecrets = ["registry-pull"];

        var d = DeploymentBuilder.Build(ti.Valid(), Image, Hash, new OperatorOptions { RunAsUser = 10001 });
        var c = d.Spec.Template.Spec.Containers[0];

        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal(8080, c.Ports[0].ContainerPort);
        Assert.Equal(["--listen", "0.0.0.0:8080"], c.Args);
        Assert.Equal(["/bin/hello"], c.Command);
        Assert.Equal("info", c.Env[0].Value);
        Assert.Equal(("app", "token"), (c.Env[1].ValueFrom.SecretKeyRef.Name, c.Env[1].ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("cfg", "mode"), (c.Env[2].ValueFrom.ConfigMapKeyRef.Name, c.Env[2].ValueFrom.ConfigMapKeyRef.Key));
        Assert.Equal("64Mi", c.Resources.Limits["memory"].ToString());
        Assert.Equal(["registry-pull"], d.Spec.Template.Spec.ImagePullSecrets.Select(s => s.Name));
        Assert.Equal(10001, d.Spec.Template.Spec.SecurityContext.RunAsUser);
    }

    /// <summary>Each rule of the restricted Pod Security Standard (Kubernetes 1.35), checked on the generated pod.</summary>
    [Fact]
    public void Pod_Satisfies_Every_Restricted_Pod_Security_Standard_Rule()
    {
        var pod = DeploymentBuilder.Build(Samples.Git().Valid(), Image, Hash).Spec.Template.Spec;
        var containers = pod.Containers.Concat(pod.InitContainers ?? []).ToList();

        // baseline: host namespaces, privileged, capabilities add, hostPath, host ports, hostProcess, procMount, sysctls.
        // The pod's own model declares none of the host, sysctl, Windows, SELinux or procMount members, so they are
        // checked on the JSON sent (and nothing the model does not declare is in it).
        var podJson = OperatorJson.ToNode(pod)!.AsObject();
        foreach (var member in new[] { "hostNetwork", "hostPID", "hostIPC", "hostUsers" })
        {
            Assert.False(podJson.ContainsKey(member), member);
        }

        Assert.Null(pod.ExtensionData);
        Assert.Null(pod.SecurityContext.ExtensionData); // sysctls, windowsOptions, seLinuxOptions
        Assert.All(pod.Volumes ?? [], v => Assert.Null(v.ExtensionData)); // hostPath and every other source
        foreach (var c in containers)
        {
            Assert.NotEqual(true, c.SecurityContext.Privileged);
            Assert.All(c.Ports ?? [], p => Assert.Null(p.HostPort));
            Assert.Null(c.SecurityContext.ExtensionData); // procMount, windowsOptions, seLinuxOptions
            var securityJson = OperatorJson.ToNode(c.SecurityContext)!.AsObject();
            foreach (var member in new[] { "procMount", "windowsOptions", "seLinuxOptions", "appArmorProfile" })
            {
                Assert.False(securityJson.ContainsKey(member), member);
            }

            // restricted: privilege escalation, running as non-root (and not uid 0), seccomp, capabilities
            Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
            Assert.True(c.SecurityContext.RunAsNonRoot ?? pod.SecurityContext.RunAsNonRoot);
            Assert.NotEqual(0, c.SecurityContext.RunAsUser ?? pod.SecurityContext.RunAsUser);
            Assert.Equal("RuntimeDefault", c.SecurityContext.SeccompProfile?.Type ?? pod.SecurityContext.SeccompProfile.Type);
            Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
            Assert.Null(c.SecurityContext.Capabilities.Add);

            // and ours: a read-only root filesystem
            Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        }

        var podSecurityJson = OperatorJson.ToNode(pod.SecurityContext)!.AsObject();
        foreach (var member in new[] { "sysctls", "windowsOptions", "seLinuxOptions", "appArmorProfile" })
        {
            Assert.False(podSecurityJson.ContainsKey(member), member);
        }

        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
    }

    [Fact]
    public void Service_Exposes_The_Spec_Port_To_The_Named_Container_Port()
    {
        var ti = Samples.Hello();
        ti.Spec.Deploy.Service = new ServiceSpec { Type = "NodePort", Port = 80 };

        var s = ServiceBuilder.Build(ti.Valid());
        var port = Assert.Single(s.Spec.Ports);

        Assert.Equal("hello", s.Metadata.Name);
        Assert.Equal("NodePort", s.Spec.Type);
        Assert.Equal((80, "http", "http", "TCP"), (port.Port, port.TargetPort.Value, port.Name, port.Protocol));
        Assert.Equal(Samples.Uid, Assert.Single(s.Metadata.OwnerReferences).Uid);
    }
}
