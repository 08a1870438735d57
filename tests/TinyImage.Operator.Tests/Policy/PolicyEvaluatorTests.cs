using TinyImage.Operator.Configuration;
using TinyImage.Operator.Policy;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Policy;

public sealed class PolicyEvaluatorTests
{
    private static readonly OperatorOptions Defaults = new();

    [Fact]
    public void The_Default_Policy_Allows_A_Spec_That_Names_No_Image_And_Keeps_ClusterIP_On_A_Verified_Registry()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.Insecure = false;

        Assert.Empty(PolicyEvaluator.Evaluate(ti.Valid(), Defaults));
    }

    [Fact]
    public void The_Default_Policy_Refuses_Another_Builder_And_Kaniko_Image_A_NodePort_And_Insecure_Naming_Each_Field_And_Policy()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.BuilderImage = "evil.example.com/rust:1";
        ti.Spec.Build.KanikoImage = "evil.example.com/kaniko:1";
        ti.Spec.Deploy.Service.Type = "NodePort";

        var denied = PolicyEvaluator.Evaluate(ti.Valid(), Defaults);

        Assert.Equal(
            [
                "spec.build.builderImage: 'evil.example.com/rust:1' is not allowed by the operator's policy (policy.allowedBuilderImages: only the operator's defaults)",
                "spec.build.kanikoImage: 'evil.example.com/kaniko:1' is not allowed by the operator's policy (policy.allowedKanikoImages: only the operator's defaults)",
                "spec.deploy.service.type: 'NodePort' is not allowed by the operator's policy (policy.allowedServiceTypes: ClusterIP)",
                "spec.output.insecure: 'true for registry registry.tinyimage-system.svc:5000' is not allowed by the operator's policy (policy.insecureRegistries: none)",
            ],
            denied.Select(d => d.ToString()));
    }

    [Fact]
    public void Naming_The_Operators_Own_Default_Images_Is_Always_Allowed()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.Insecure = false;
        ti.Spec.Build.BuilderImage = OperatorOptions.DefaultGnuBuilderImage;
        ti.Spec.Build.KanikoImage = OperatorOptions.DefaultKanikoImage;

        Assert.Empty(PolicyEvaluator.Evaluate(ti.Valid(), Defaults));
    }

    [Fact]
    public void Allowed_Images_Match_Exactly_Or_By_A_Prefix_Ending_In_A_Star_And_Insecure_Registries_By_Host_Or_Domain()
    {
        var policy = new AdminPolicy
        {
            AllowedBuilderImages = ["registry.example.com/builders/*"],
            AllowedKanikoImages = ["registry.example.com/kaniko:v1.28.5"],
            AllowedServiceTypes = ["ClusterIP", "LoadBalancer"],
            InsecureRegistries = ["*.svc"],
        };
        var ti = Samples.Hello();
        ti.Spec.Build.BuilderImage = "registry.example.com/builders/rust:1";
        ti.Spec.Build.KanikoImage = "registry.example.com/kaniko:v1.28.5";
        ti.Spec.Deploy.Service.Type = "LoadBalancer";

        Assert.Empty(PolicyEvaluator.Evaluate(ti.Valid(), Defaults with { Policy = policy }));
        Assert.False(PolicyEvaluator.ImageAllowed("registry.example.com/builders-evil/rust:1", ["registry.example.com/builders/*"]));
        Assert.False(PolicyEvaluator.ImageAllowed("registry.example.com/kaniko:v1.28.5-evil", ["registry.example.com/kaniko:v1.28.5"]));
        Assert.True(PolicyEvaluator.RegistryAllowed("registry.tinyimage-system.svc:5000", ["*.svc"]));
        Assert.True(PolicyEvaluator.RegistryAllowed("Registry.Local:5000", ["registry.local:5000"]));
        Assert.False(PolicyEvaluator.RegistryAllowed("registry.local:5001", ["registry.local:5000"]));
        Assert.False(PolicyEvaluator.RegistryAllowed("evilsvc", ["*.svc"]));
        Assert.Equal("docker.io", PolicyEvaluator.RegistryOf("team/app"));
    }
}
