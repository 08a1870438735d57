using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Deploying;
using Xunit;

namespace TinyImage.Operator.Tests.Deploying;

public sealed class PullSecretAndAutoscalingTests
{
    [Fact]
    public void The_Push_Secret_Never_Reaches_The_Deployment()
    {
        var ti = Tests.Building.Samples.Git();
        Assert.Equal("registry-push", ti.Spec.Output.PushSecret);

        var d = DeploymentBuilder.Build(Tests.Building.Samples.Valid(ti), DeploymentBuilderTests.Image, DeploymentBuilderTests.Hash);
        var json = System.Text.Json.JsonSerializer.Serialize(d, TinyImage.Operator.OperatorJson.TypeInfo<V1Deployment>());

        Assert.Null(d.Spec.Template.Spec.ImagePullSecrets);
        Assert.DoesNotContain("registry-push", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Pull_Secrets_Are_Those_Of_The_Deploy_Block_Once_Each()
    {
        var ti = Tests.Building.Samples.Git();
        ti.Spec.Deploy.ImagePullSecrets = ["pull-a", "pull-b", "pull-a"];

        var d = DeploymentBuilder.Build(Tests.Building.Samples.Valid(ti), DeploymentBuilderTests.Image, DeploymentBuilderTests.Hash);

        Assert.Equal(["pull-a", "pull-b"], d.Spec.Template.Spec.ImagePullSecrets.Select(s => s.Name));
    }

    [Fact]
    public void With_Autoscaling_The_Deployment_Starts_With_The_Spec_Replicas_And_The_Autoscaler_Owns_Them()
    {
        var ti = Tests.Building.Samples.Git();
        ti.Spec.Deploy.Replicas = 2;
        ti.Spec.Deploy.Autoscaling = new AutoscalingSpec();
        var valid = Tests.Building.Samples.Valid(ti);

        Assert.True(DeploymentBuilder.AutoscalerOwnsReplicas(valid));
        Assert.Equal(2, DeploymentBuilder.Build(valid, DeploymentBuilderTests.Image, DeploymentBuilderTests.Hash).Spec.Replicas);
        ti.Spec.Deploy.Autoscaling.Enabled = false;
        Assert.False(DeploymentBuilder.AutoscalerOwnsReplicas(Tests.Building.Samples.Valid(ti)));
    }
}
