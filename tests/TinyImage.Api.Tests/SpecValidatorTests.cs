using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api.Tests;

public sealed class SpecValidatorTests
{
    [Fact]
    public void Every_Cel_Rule_On_The_Api_Types_Has_A_Code_Counterpart_And_No_Counterpart_Is_Stale()
    {
        var rules = ApiTypes().SelectMany(t => SchemaMarkers.CelRules(t).Select(r => r.Rule)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(rules);
        Assert.Empty(rules.Except(SpecValidator.CelCounterparts.Keys));
        Assert.Empty(SpecValidator.CelCounterparts.Keys.Except(rules));
    }

    [Theory]
    [InlineData("1hello")]
    [InlineData("hello.world")]
    [InlineData("Hello")]
    [InlineData("hello-")]
    public void A_Name_That_Cannot_Name_The_Service_Is_Refused_With_The_Crds_Message(string name)
    {
        var ti = Minimal();
        ti.Metadata.Name = name;

        var error = Assert.Single(SpecValidator.Validate(ti).Errors);

        Assert.Equal("metadata.name", error.Path);
        Assert.Equal(TinyImageResource.NameMessage, error.Message);
    }

    [Fact]
    public void A_Minimal_Spec_With_Defaults_Is_Valid()
    {
        Assert.Empty(SpecValidator.Validate(Minimal()).Errors);
    }

    [Fact]
    public void Item_Errors_Name_The_Index()
    {
        var ti = Minimal();
        ti.Spec.Build.Features = ["json", "x y", "ok"];

        var error = Assert.Single(SpecValidator.Validate(ti).Errors);

        Assert.Equal("spec.build.features[1]", error.Path);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0")]
    [InlineData("escape\u001b[2J")]
    [InlineData("line\u2028separator")]
    [InlineData("paragraph\u2029separator")]
    [InlineData("c1\u0085control")]
    public void Control_Characters_And_Line_Separators_Are_Refused_In_Strings_The_Schema_Leaves_Free(string value)
    {
        var ti = Minimal();
        ti.Spec.Deploy.Args = ["--ok", value];
        ti.Spec.Deploy.Env = [new EnvVarSpec { Name = "GREETING", Value = value }];

        var errors = SpecValidator.Validate(ti).Errors;

        Assert.Equal(["spec.deploy.args[1]", "spec.deploy.env[0].value"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Contains("control characters", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Control_Characters_Are_Refused_In_Dictionary_Keys()
    {
        var ti = Minimal();
        ti.Spec.Deploy.Resources = new ResourceRequirementsSpec { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["memory\n"] = new("1Gi") } };

        var error = Assert.Single(SpecValidator.Validate(ti).Errors);

        Assert.Equal("spec.deploy.resources.limits[memory\n]", error.Path);
    }

    [Fact]
    public void Required_Fields_Left_Empty_Are_Reported()
    {
        var ti = Minimal();
        ti.Spec.Binary = "";
        ti.Spec.Output.Repository = "";

        Assert.Equal(["spec.binary", "spec.output.repository"], SpecValidator.Validate(ti).Errors.Select(e => e.Path));
    }

    [Fact]
    public void Malformed_Json_Is_A_Field_Error_Not_An_Exception()
    {
        using var doc = JsonDocument.Parse("""{"spec":{"binary":42}}""");

        var validation = SpecValidator.Parse(doc.RootElement);

        Assert.False(validation.IsValid);
        Assert.Null(validation.Resource);
        Assert.Contains("spec.binary", Assert.Single(validation.Errors).Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Patterns_Are_Compiled_Non_Backtracking_As_RE2_Is_With_No_Timeout_To_Fire_Under_Load_And_End_Of_Text_Anchors()
    {
        var regex = SpecValidator.Compile(Patterns.BinaryName);

        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Equal(System.Text.RegularExpressions.Regex.InfiniteMatchTimeout, regex.MatchTimeout);
        Assert.Matches(regex, "hello");
        Assert.DoesNotMatch(regex, "hello\n");
    }

    [Fact]
    public void Every_Schema_Pattern_Compiles_On_The_Non_Backtracking_Engine()
    {
        var patterns = typeof(Patterns).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.NotEmpty(patterns);
        foreach (var pattern in patterns.Append(SchemaMarkers.QuantityPattern).Append(TinyImageResource.NamePattern))
        {
            var regex = SpecValidator.Compile(pattern);
            Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), pattern);
        }
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

    // Every object type reachable from TinyImage, through the source-generated metadata.
    private static IReadOnlyList<Type> ApiTypes()
    {
        var seen = new HashSet<Type>();
        Visit(typeof(TinyImageResource));
        return [.. seen];

        void Visit(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.Namespace != typeof(TinyImageResource).Namespace || !seen.Add(type))
            {
                if (type.IsGenericType)
                {
                    foreach (var argument in type.GetGenericArguments())
                    {
                        Visit(argument);
                    }
                }

                return;
            }

            foreach (var property in ApiJson.Options.GetTypeInfo(type).Properties)
            {
                Visit(property.PropertyType);
            }
        }
    }
}
