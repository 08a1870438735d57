using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Building;
using Xunit;

namespace TinyImage.Operator.Tests.Reconciler;

public sealed class AdminAllowanceTests
{
    [Fact]
    public void Build_Pod_Placement_Is_Refused_Unless_The_Operator_Allows_It()
    {
        var ti = Samples.Hello();
        ti.Spec.Build.NodeSelector = new Dictionary<string, string> { ["pool"] = "builds" };
        ti.Spec.Build.ServiceAccountName = "builder";

        var refusal = AdminAllowance.Refusal(ti.Valid(), new OperatorOptions());

        Assert.Contains("spec.build.nodeSelector (--allow-build-node-selector), spec.build.serviceAccountName (--allow-build-service-account)", refusal, StringComparison.Ordinal);
        var selectorOnly = new OperatorOptions { Policy = new Operator.Policy.AdminPolicy { AllowBuildNodeSelector = true } };
        Assert.Contains("spec.build.serviceAccountName", AdminAllowance.Refusal(ti.Valid(), selectorOnly), StringComparison.Ordinal);
        Assert.DoesNotContain("nodeSelector", AdminAllowance.Refusal(ti.Valid(), selectorOnly), StringComparison.Ordinal);
        Assert.Null(AdminAllowance.Refusal(ti.Valid(), new OperatorOptions { Policy = new Operator.Policy.AdminPolicy { AllowBuildNodeSelector = true, AllowBuildServiceAccount = true } }));
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
        Assert.Equal(expected, AdminAllowance.HostnameAllowed(host, [allowed]));
    }

    [Fact]
    public void No_Route_Is_Allowed_By_Default()
    {
        var ti = Samples.Hello();
        ti.Spec.Deploy.Route = new RouteSpec { Kind = RouteSpec.KindIngress, Hostname = "hello.example.com" };

        Assert.Contains("--route-hostnames: none", AdminAllowance.Refusal(ti.Valid(), new OperatorOptions()), StringComparison.Ordinal);
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
