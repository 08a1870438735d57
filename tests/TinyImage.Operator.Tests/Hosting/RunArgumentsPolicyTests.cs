using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

public sealed class RunArgumentsPolicyTests
{
    [Fact]
    public void Policy_Flags_Become_The_Admin_Policy_And_Default_To_The_Operators_Own_Choices()
    {
        var set = RunArguments.Parse(
            [
                "--allow-builder-image=registry.example.com/builders/*", "--allow-kaniko-image", "k:2", "--allow-service-type=ClusterIP",
                "--allow-service-type=LoadBalancer", "--allow-insecure-registry=registry.local:5000", "--allow-build-tolerations=true",
            ],
            _ => null).Arguments!.Options.Policy;
        var unset = RunArguments.Parse([], _ => null).Arguments!.Options.Policy;

        Assert.Equal(["registry.example.com/builders/*"], set.AllowedBuilderImages);
        Assert.Equal(["k:2"], set.AllowedKanikoImages);
        Assert.Equal(["ClusterIP", "LoadBalancer"], set.AllowedServiceTypes);
        Assert.Equal(["registry.local:5000"], set.InsecureRegistries);
        Assert.Equal((false, false, true), (set.AllowBuildServiceAccount, set.AllowBuildNodeSelector, set.AllowBuildTolerations));
        Assert.Equal((0, 0, 0), (unset.AllowedBuilderImages.Count, unset.AllowedKanikoImages.Count, unset.InsecureRegistries.Count));
        Assert.Equal(["ClusterIP"], unset.AllowedServiceTypes);
        Assert.False(unset.AllowBuildServiceAccount || unset.AllowBuildNodeSelector || unset.AllowBuildTolerations);
        Assert.NotNull(RunArguments.Parse(["--allow-service-type=ExternalName"], _ => null).Error);
        Assert.NotNull(RunArguments.Parse(["--allow-build-tolerations=maybe"], _ => null).Error);
    }

    [Fact]
    public void Build_Pod_Flags_Set_The_RuntimeClass_Resources_And_NetworkPolicy()
    {
        var options = RunArguments.Parse(
            [
                "--build-runtime-class=gvisor", "--build-limits=cpu=4,memory=8Gi", "--build-requests=memory=1Gi", "--build-network-policy=false",
                """--build-egress=[{"to":[{"ipBlock":{"cidr":"10.43.0.0/16"}}],"ports":[{"port":5000}]}]""",
            ],
            _ => null).Arguments!.Options;

        Assert.Equal("gvisor", options.BuildRuntimeClassName);
        Assert.Equal("8Gi", options.BuildResources.Limits["memory"].ToString());
        Assert.Equal(["memory"], options.BuildResources.Requests.Keys);
        Assert.False(options.BuildNetworkPolicy);
        Assert.Equal("10.43.0.0/16", options.BuildEgress.Single().To.Single().IpBlock.Cidr);
        Assert.Equal("5000", options.BuildEgress.Single().Ports.Single().Port.Value);
        Assert.NotNull(RunArguments.Parse(["--build-limits=memory"], _ => null).Error);
        Assert.NotNull(RunArguments.Parse(["--build-limits=memory=lots"], _ => null).Error);
        Assert.NotNull(RunArguments.Parse(["--build-egress={not json"], _ => null).Error);
    }
}
