using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>
/// The builders' Job, Deployment and Service are the operator's own slim models (src/TinyImage.Kube/Models), not
/// KubernetesClient's. What they send must be exactly what KubernetesClient's models sent: every member read into
/// KubernetesClient's full model and written back unchanged (a member the slim model misnames or places at the wrong
/// level is lost on that trip), for TinyImages that set every field the builders write.
/// </summary>
public sealed class OwnModelsTests
{
    private const string Hash = "0123456789";
    private const string Image = "registry.example.com/team/hello@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly OperatorOptions Everything = new()
    {
        RunAsUser = 10001,
        BuildRuntimeClassName = "gvisor",
        SourceInitImage = "busybox:1.37",
    };

    public static TheoryData<string> Jobs() => ["hello", "git", "everything"];

    [Theory]
    [MemberData(nameof(Jobs))]
    public void The_Build_Job_Reads_Into_KubernetesClients_Model_And_Writes_Back_The_Same_Json(string sample)
    {
        var job = KanikoJobBuilder.BuildJob(Sample(sample).Valid(), Hash, Everything, commit: "0123456789abcdef0123456789abcdef01234567", resolvedRef: "refs/heads/main");

        AssertSameAsKubernetesClient(job, 40);
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public void The_Deployment_And_Service_Read_Into_KubernetesClients_Models_And_Write_Back_The_Same_Json(string sample)
    {
        var ti = Sample(sample).Valid();

        AssertSameAsKubernetesClient(DeploymentBuilder.Build(ti, Image, Hash, Everything), 40);
        AssertSameAsKubernetesClient(ServiceBuilder.Build(ti), 10);
    }

    [Fact]
    public void The_Build_NetworkPolicy_Reads_Into_KubernetesClients_Model_And_Writes_Back_The_Same_Json()
    {
        var admin = new OperatorOptions
        {
            BuildEgress =
            [
                .. BuildNetworkPolicyBuilder.DefaultEgress,
                new V1NetworkPolicyEgressRule
                {
                    To = [new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "10.43.0.0/16" } }],
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = 5000, EndPort = 5010 }, new V1NetworkPolicyPort { Port = "registry" }],
                },
            ],
        };

        AssertSameAsKubernetesClient(BuildNetworkPolicyBuilder.Build(Sample("everything").Valid(), admin), 40);
    }

    [Fact]
    public void The_Ingress_Reads_Into_KubernetesClients_Model_And_Writes_Back_The_Same_Json()
    {
        var ti = Sample("everything");
        ti.Spec.Deploy.Route = new RouteSpec { Kind = RouteSpec.KindIngress, Hostname = "hello.example.com", Path = "/api", IngressClassName = "nginx" };

        AssertSameAsKubernetesClient(RouteBuilder.Ingress(ti.Valid()), 15);
    }

    [Fact]
    public void The_Builders_Objects_Hold_No_Member_Outside_Their_Model()
    {
        // ExtensionData is for what the API server sends back; a builder that wrote through it would bypass the model.
        var ti = Sample("everything").Valid();
        var pod = KanikoJobBuilder.BuildJob(ti, Hash, Everything).Spec.Template.Spec;

        Assert.Null(pod.ExtensionData);
        Assert.All(pod.Containers.Concat(pod.InitContainers ?? []), c => Assert.Null(c.ExtensionData));
        Assert.All(pod.Volumes, v => Assert.Null(v.ExtensionData));
        Assert.Null(DeploymentBuilder.Build(ti, Image, Hash).Spec.Template.Spec.Containers[0].ExtensionData);
    }

    private static void AssertSameAsKubernetesClient<T>(T value, int minimumMembers)
    {
        var ours = OperatorJson.ToNode(value)!.AsObject();
        Assert.True(Count(ours) >= minimumMembers, "expected a rich object, found " + Count(ours) + " members: " + ours.ToJsonString());

        Assert.Null(KubeObjects.RoundTripDifference(ours));
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count + o.Sum(kv => Count(kv.Value)),
        JsonArray a => a.Sum(Count),
        _ => 0,
    };

    private static TinyImage.Api.V1Alpha1.TinyImage Sample(string name)
    {
        var ti = name == "hello" ? Samples.Hello() : Samples.Git();
        if (name != "everything")
        {
            return ti;
        }

        ti.Spec.Build.Env = [new BuildEnvVar { Name = "SQLX_OFFLINE", Value = "true" }];
        ti.Spec.Build.Secrets = new BuildSecretsSpec
        {
            CargoRegistries = [new CargoRegistryToken { Registry = "corp-crates", SecretName = "corp-token", Key = "token" }],
            GitHttpsSecret = "git-https",
            GitSshSecret = "git-ssh",
        };
        ti.Spec.Build.NodeSelector = new Dictionary<string, string> { ["pool"] = "builds" };
        ti.Spec.Build.Tolerations = [new TolerationSpec { Key = "builds", Operator = "Equal", Value = "yes", Effect = "NoExecute", TolerationSeconds = 60 }];
        ti.Spec.Build.ServiceAccountName = "builder";
        ti.Spec.Deploy.Replicas = 3;
        ti.Spec.Deploy.ContainerPort = 8080;
        ti.Spec.Deploy.Args = ["--listen", "0.0.0.0:8080"];
        ti.Spec.Deploy.Env =
        [
            new EnvVarSpec { Name = "RUST_LOG", Value = "info" },
            new EnvVarSpec { Name = "TOKEN", ValueFrom = new EnvVarSourceSpec { SecretKeyRef = new KeyReference { Name = "app", Key = "token" } } },
            new EnvVarSpec { Name = "MODE", ValueFrom = new EnvVarSourceSpec { ConfigMapKeyRef = new KeyReference { Name = "cfg", Key = "mode" } } },
        ];
        ti.Spec.Deploy.Resources = new ResourceRequirementsSpec
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") },
        };
        ti.Spec.Deploy.ImagePullSecrets = ["registry-pull"];
        ti.Spec.Deploy.Service = new ServiceSpec { Type = "NodePort", Port = 80 };
        return ti;
    }
}
