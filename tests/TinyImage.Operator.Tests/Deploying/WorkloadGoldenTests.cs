using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Tests.Building;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Deploying;

public sealed class WorkloadGoldenTests
{
    [Fact]
    public void Deployment_Matches_Its_Golden_File()
    {
        var ti = Samples.Hello();
        ti.Spec.Deploy.Args = ["--greeting", "hello world"];
        ti.Spec.Deploy.Env = [new EnvVarSpec { Name = "RUST_LOG", Value = "info" }];

        var deployment = DeploymentBuilder.Build(ti.Valid(), DeploymentBuilderTests.Image, DeploymentBuilderTests.Hash);

        Golden.Check("Deploying/golden/deployment.yaml", YamlWriter.ToYaml(OperatorJson.ToNode(deployment)));
    }

    [Fact]
    public void Service_Matches_Its_Golden_File()
    {
        Golden.Check("Deploying/golden/service.yaml", YamlWriter.ToYaml(OperatorJson.ToNode(ServiceBuilder.Build(Samples.Hello().Valid()))));
    }
}
