using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.Policy;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Policy;

/// <summary>The build-pod switches and the route hostnames: the same admin policy, the same evaluator and reason (PolicyDenied) as images and Service types.</summary>
public sealed class BuildPodAndRoutePolicyTests
{
    private static IEnumerable<string> Denied(TinyImage.Api.V1Alpha1.TinyImage ti, OperatorOptions options) =>
        PolicyEvaluator.Evaluate(ti.Valid(), options).Select(d => d.ToString());

    [Fact]
    public void Build_Pod_Placement_Is_Denied_Unless_The_Operator_Allows_It_Naming_The_Field_The_Chart_Value_And_The_Flag()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.Insecure = false;
        ti.Spec.Build.NodeSelector = new Dictionary<string, string> { ["pool"] = "builds" };
        ti.Spec.Build.ServiceAccountName = "builder";

        Assert.Equal(
            [
                "spec.build.nodeSelector: not allowed by the operator's policy (policy.buildPods.nodeSelector, --allow-build-node-selector is false)",
                "spec.build.serviceAccountName: not allowed by the operator's policy (policy.buildPods.serviceAccount, --allow-build-service-account is false)",
            ],
            Denied(ti, new OperatorOptions()));
        var selectorOnly = new OperatorOptions { Policy = new AdminPolicy { AllowBuildNodeSelector = true } };
        Assert.Equal(["spec.build.serviceAccountName"], PolicyEvaluator.Evaluate(ti.Valid(), selectorOnly).Select(d => d.Path));
        Assert.Empty(Denied(ti, new OperatorOptions { Policy = new AdminPolicy { AllowBuildNodeSelector = true, AllowBuildServiceAccount = true } }));
    }

    [Fact]
    public void Tolerations_Are_Denied_Unless_Allowed()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.Insecure = false;
        ti.Spec.Build.Tolerations = [new TolerationSpec { Key = "builds", Operator = "Exists", Effect = "NoSchedule" }];

        Assert.Equal(["spec.build.tolerations"], PolicyEvaluator.Evaluate(ti.Valid(), new OperatorOptions()).Select(d => d.Path));
        Assert.Empty(Denied(ti, new OperatorOptions { Policy = new AdminPolicy { AllowBuildTolerations = true } }));
    }

    [Theory]
    [InlineData("hello.apps.example.com", "*.apps.example.com", true)]
    [InlineData("a.b.apps.example.com", "*.apps.example.com", true)]
    [InlineData("apps.example.com", "*.apps.example.com", false)]
    [InlineData("evilapps.example.com", "*.apps.example.com", false)]
    [InlineData("hello.example.com", "hello.example.com", true)]
    [InlineData("hello.example.com.evil.io", "hello.example.com", false)]
    public void A_Route_Hostname_Must_Match_An_Allowed_Name_Or_Lie_Below_An_Allowed_Wildcard(string host, string allowed, bool expected)
    {
        Assert.Equal(expected, PolicyEvaluator.HostnameAllowed(host, [allowed]));
    }

    [Fact]
    public void No_Route_Is_Allowed_By_Default()
    {
        var ti = Samples.Hello();
        ti.Spec.Output.Insecure = false;
        ti.Spec.Deploy.Route = new RouteSpec { Kind = RouteSpec.KindIngress, Hostname = "hello.example.com" };

        Assert.Equal(["spec.deploy.route.hostname: 'hello.example.com' is not allowed by the operator's policy (--route-hostnames: none)"], Denied(ti, new OperatorOptions()));
        Assert.Empty(Denied(ti, new OperatorOptions { RouteHostnames = ["*.example.com"] }));
    }

    [Fact]
    public void The_Flags_Set_The_Allowances_And_Refuse_What_Is_Not_A_Hostname()
    {
        var (parsed, error) = RunArguments.Parse(["--allow-build-node-selector", "--route-hostnames", "*.apps.example.com, api.example.com"], _ => null);

        Assert.Null(error);
        Assert.True(parsed!.Options.Policy.AllowBuildNodeSelector);
        Assert.False(parsed.Options.Policy.AllowBuildTolerations);
        Assert.Equal(["*.apps.example.com", "api.example.com"], parsed.Options.RouteHostnames);
        Assert.Contains("not a hostname", RunArguments.Parse(["--route-hostnames", "*"], _ => null).Error, StringComparison.Ordinal);
        Assert.False(RunArguments.Parse([], _ => null).Arguments!.Options.Policy.AllowBuildNodeSelector);
    }
}
