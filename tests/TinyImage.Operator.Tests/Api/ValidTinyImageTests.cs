using System.Reflection;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Deploying;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Api;

/// <summary>
/// The one validation path: the validator reports every problem with its field, and only it makes the
/// <see cref="ValidTinyImage"/> that the builders take.
/// </summary>
public sealed class ValidTinyImageTests
{
    [Fact]
    public void Every_Problem_Is_Reported_With_Its_Field_Not_Only_The_First_Five()
    {
        var ti = Minimal();
        ti.Metadata.NamespaceProperty = "Demo_NS";
        ti.Spec.Binary = "hello world";
        ti.Spec.Build.Features = ["json", "x;rm", "$(id)"];
        ti.Spec.Build.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu;x"] = new("1") } };
        ti.Spec.Output.Tag = "v1 2";
        ti.Spec.Deploy.Replicas = 1000;
        ti.Spec.Deploy.Env = [new EnvVarSpec { Name = "1BAD", Value = "x" }];

        var validation = SpecValidator.Validate(ti);

        Assert.Null(validation.Valid);
        Assert.Equal(
            [
                "metadata.namespace", "spec.binary", "spec.build.features[1]", "spec.build.features[2]", "spec.build.resources.limits[cpu;x]",
                "spec.deploy.env[0].name", "spec.deploy.replicas", "spec.output.tag",
            ],
            validation.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_Message_Names_Every_Field_Joined_With_Semicolons()
    {
        var ti = Minimal();
        ti.Spec.Binary = "hello world";
        ti.Spec.Output.Tag = "v1 2";

        var validation = SpecValidator.Validate(ti);

        Assert.Equal(
            "spec.binary: must match " + Patterns.BinaryName + "; spec.output.tag: must match " + Patterns.ImageTag,
            validation.Message);
    }

    [Theory]
    [InlineData("resource name")]
    [InlineData("git branch with //")]
    [InlineData("git tag ending in .lock")]
    [InlineData("ConfigMap item path with an empty segment")]
    [InlineData("missing name")]
    public void Values_The_Schema_Alone_Would_Let_Through_Are_Refused(string value)
    {
        var ti = Minimal();
        var (path, change) = value switch
        {
            "resource name" => ("spec.build.resources.limits[cpu x]", (Action)(() => ti.Spec.Build.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu x"] = new("1") } })),
            "git branch with //" => ("spec.source.git.ref.branch", () => ti.Spec.Source = Git(new GitRef { Branch = "release//v1" })),
            "git tag ending in .lock" => ("spec.source.git.ref.tag", () => ti.Spec.Source = Git(new GitRef { Tag = "v1.lock" })),
            "ConfigMap item path with an empty segment" => ("spec.source.configMap.items[0].path", () => ti.Spec.Source.ConfigMap!.Items = [new ConfigMapItem { Key = "main.rs", Path = "src//main.rs" }]),
            _ => ("metadata.name", () => ti.Metadata.Name = null),
        };
        Assert.NotNull(SpecValidator.Validate(ti).Valid);

        change();

        var error = Assert.Single(SpecValidator.Validate(ti).Errors);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void A_Valid_TinyImage_Wraps_The_Resource_It_Was_Made_From()
    {
        var ti = Minimal();

        var valid = SpecValidator.Validate(ti).Valid;

        Assert.NotNull(valid);
        Assert.Same(ti, valid.Resource);
        Assert.Same(ti.Spec, valid.Spec);
        Assert.Equal("hello", valid.Name);
        Assert.Equal("demo", valid.Namespace);
    }

    [Fact]
    public void Only_The_Validator_Makes_A_Valid_TinyImage()
    {
        var type = typeof(ValidTinyImage);

        Assert.True(type.IsSealed);
        Assert.All(type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic), c => Assert.True(c.IsPrivate, c.ToString()));
        var factories = type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).Where(m => m.ReturnType == typeof(SpecValidation) || m.ReturnType == type);
        Assert.Equal(["Of"], factories.Select(m => m.Name));
    }

    [Theory]
    [InlineData(typeof(ContainerfileGenerator))]
    [InlineData(typeof(KanikoJobBuilder))]
    [InlineData(typeof(BuildHash))]
    [InlineData(typeof(DeploymentBuilder))]
    [InlineData(typeof(ServiceBuilder))]
    public void Builders_Take_A_Valid_TinyImage_And_Never_A_Raw_One(Type builder)
    {
        var methods = builder.GetMethods(BindingFlags.Static | BindingFlags.Public).Where(m => m.DeclaringType == builder).ToList();
        var parameters = methods.SelectMany(m => m.GetParameters().Select(p => (Method: m.Name, p.ParameterType))).ToList();

        Assert.DoesNotContain(parameters, p => p.ParameterType == typeof(TinyImageResource) || p.ParameterType == typeof(TinyImageSpec));
        Assert.Contains(parameters, p => p.ParameterType == typeof(ValidTinyImage));
    }

    private static SourceSpec Git(GitRef reference) => new() { Git = new GitSource { Url = "https://git.example.com/team/repo.git", Ref = reference } };

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
