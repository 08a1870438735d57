using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Reconciler;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Building;

/// <summary>The longest name <see cref="SpecValidator"/> accepts still names every child within Kubernetes' limits.</summary>
public sealed class ChildNameLengthTests
{
    [Fact]
    public void The_Longest_Accepted_Name_Yields_Child_Names_Within_Their_Limits()
    {
        var name = "h" + new string('e', TinyImageResource.MaxNameLength - 1);
        var ti = Minimal();
        ti.Metadata.Name = name;

        Assert.Empty(SpecValidator.Validate(ti).Errors);
        ti.Metadata.Name = name + "e";
        Assert.Single(SpecValidator.Validate(ti).Errors);

        // Service and Deployment: NAME (a DNS-1035 label, at most 63); build Job and ConfigMap: at most 63 (their pods
        // carry the Job name as a label value); SBOM ConfigMap: a DNS subdomain (at most 253).
        Assert.True(name.Length <= 63);
        Assert.True(ChildMetadata.BuildName(name, new string('a', BuildHash.Length)).Length <= 63);
        Assert.True(TinyImage.Operator.Reconciler.VerifyReconciler.SbomConfigMapName(name).Length <= 253);
        Assert.True(ChildMetadata.NameLabelValue(ti).Length <= 63);
    }

    private static TinyImageResource Minimal() => new()
    {
        Metadata = new() { Name = "hello", NamespaceProperty = "demo" },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
            Binary = "hello",
            Output = new OutputSpec { Repository = "registry.local:5000/hello" },
        },
    };
}
