using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using TinyImage.Operator.Api;
using TinyImage.Operator.Api.V1Alpha1;
using TinyImage.Operator.Crd;
using TinyImage.Operator.Tests.Crd;
using Xunit;
using TinyImageResource = TinyImage.Operator.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Api;

public sealed class SpecValidatorTests
{
    [Fact]
    public void Every_Cel_Rule_On_The_Api_Types_Has_A_Code_Counterpart_And_No_Counterpart_Is_Stale()
    {
        var rules = ApiTypes().SelectMany(t => SchemaGenerator.CelRules(t).Select(r => r.Rule)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(rules);
        Assert.Empty(rules.Except(SpecValidator.CelCounterparts.Keys));
        Assert.Empty(SpecValidator.CelCounterparts.Keys.Except(rules));
    }

    // Each rule's owner type and JSON objects on which CEL and the C# counterpart must agree (both outcomes appear).
    public static TheoryData<string, string> CelCases() => new()
    {
        { nameof(BuildSpec), """{"base":"scratch","staticLinking":true,"builderHasCargoAuditable":false}""" },
        { nameof(BuildSpec), """{"base":"scratch","staticLinking":false,"builderHasCargoAuditable":false}""" },
        { nameof(BuildSpec), """{"base":"distroless-static","staticLinking":false,"builderHasCargoAuditable":false}""" },
        { nameof(BuildSpec), """{"base":"distroless-cc","staticLinking":false,"builderHasCargoAuditable":false}""" },
        { nameof(BuildSpec), """{"base":"scratch","staticLinking":true,"builderHasCargoAuditable":true}""" },
        { nameof(BuildSpec), """{"base":"scratch","staticLinking":true,"builderHasCargoAuditable":true,"builderImage":"rust:1"}""" },
        { nameof(ConfigMapItem), """{"key":"a","path":"src/main.rs"}""" },
        { nameof(ConfigMapItem), """{"key":"a","path":"src/../main.rs"}""" },
        { nameof(ConfigMapItem), """{"key":"a","path":"./main.rs"}""" },
        { nameof(ConfigMapItem), """{"key":"a","path":"..hidden/x"}""" },
        { nameof(EnvVarSourceSpec), """{}""" },
        { nameof(EnvVarSourceSpec), """{"secretKeyRef":{"name":"s","key":"k"}}""" },
        { nameof(EnvVarSourceSpec), """{"configMapKeyRef":{"name":"s","key":"k"}}""" },
        { nameof(EnvVarSourceSpec), """{"secretKeyRef":{"name":"s","key":"k"},"configMapKeyRef":{"name":"s","key":"k"}}""" },
        { nameof(EnvVarSpec), """{"name":"A"}""" },
        { nameof(EnvVarSpec), """{"name":"A","value":"x"}""" },
        { nameof(EnvVarSpec), """{"name":"A","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}""" },
        { nameof(EnvVarSpec), """{"name":"A","value":"x","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}""" },
        { nameof(GitRef), """{}""" },
        { nameof(GitRef), """{"branch":"main"}""" },
        { nameof(GitRef), """{"branch":"a..b"}""" },
        { nameof(GitRef), """{"tag":"v1..2"}""" },
        { nameof(GitRef), """{"tag":"v1","commit":"0123456789012345678901234567890123456789"}""" },
        { nameof(GitRef), """{"branch":"main","tag":"v1","commit":"0123456789012345678901234567890123456789"}""" },
        { nameof(GitSource), """{"url":"https://x/y"}""" },
        { nameof(GitSource), """{"url":"https://x/y","subPath":"a/b"}""" },
        { nameof(GitSource), """{"url":"https://x/y","subPath":"a/../b"}""" },
        { nameof(GitSource), """{"url":"https://x/y","subPath":"."}""" },
        { nameof(SourceSpec), """{}""" },
        { nameof(SourceSpec), """{"git":{"url":"https://x/y"}}""" },
        { nameof(SourceSpec), """{"configMap":{"name":"c"}}""" },
        { nameof(SourceSpec), """{"git":{"url":"https://x/y"},"configMap":{"name":"c"}}""" },
        { nameof(TinyImageSpec), """{"build":{"base":"scratch"},"verify":{"scratchOnly":true}}""" },
        { nameof(TinyImageSpec), """{"build":{"base":"distroless-cc"},"verify":{"scratchOnly":true}}""" },
        { nameof(TinyImageSpec), """{"build":{"base":"distroless-cc"},"verify":{"scratchOnly":false}}""" },
        { "TinyImage", """{"metadata":{"name":"hello"}}""" },
        { "TinyImage", """{"metadata":{"name":"hello-world-2"}}""" },
        { "TinyImage", """{"metadata":{"name":"1hello"}}""" },
        { "TinyImage", """{"metadata":{"name":"hello.world"}}""" },
        { "TinyImage", """{"metadata":{"name":"hello-"}}""" },
        { "TinyImage", "{\"metadata\":{\"name\":\"h" + new string('e', 62) + "\"}}" },
        { "TinyImage", "{\"metadata\":{\"name\":\"h" + new string('e', 63) + "\"}}" },
    };

    [Theory]
    [MemberData(nameof(CelCases))]
    public void Code_Counterparts_Agree_With_The_Cel_Package_On_Each_Rule(string typeName, string json)
    {
        var type = ApiTypes().Single(t => t.Name == typeName);
        var info = ApiJson.Options.GetTypeInfo(type);
        var typed = JsonSerializer.Deserialize(json, info)!;
        var node = JsonNode.Parse(json)!;

        foreach (var rule in SchemaGenerator.CelRules(type))
        {
            var cel = ApiServerEmulation.Instance.Evaluate(rule.Rule, node);
            var code = SpecValidator.CelCounterparts[rule.Rule](typed);
            Assert.True(cel == code, "rule " + rule.Rule + " on " + json + ": CEL " + cel + ", code " + code);
        }
    }

    [Fact]
    public void Cel_Package_Has_Treats_Empty_Values_As_Absent_So_Those_Cases_Are_Checked_In_Code_Only()
    {
        // Kubernetes' has() tests presence: {"value":""} has a value. The Cel package applies proto3 field semantics to
        // maps and calls an empty string or an empty object absent. SpecValidator keeps the Kubernetes meaning.
        const string rule = "has(self.value) != has(self.valueFrom)";
        var emptyValue = new EnvVarSpec { Name = "A", Value = "" };

        Assert.False(ApiServerEmulation.Instance.Evaluate(rule, JsonNode.Parse("""{"name":"A","value":""}""")!));
        Assert.True(SpecValidator.CelCounterparts[rule](emptyValue));
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
        Assert.True(Operator.Building.ChildMetadata.BuildName(name, new string('a', Operator.Building.BuildHash.Length)).Length <= 63);
        Assert.True(Operator.Reconciler.VerifyReconciler.SbomConfigMapName(name).Length <= 253);
        Assert.True(Operator.Building.ChildMetadata.NameLabelValue(ti).Length <= 63);
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
    public void Patterns_Are_Compiled_With_A_Match_Timeout_And_End_Of_Text_Anchors()
    {
        var regex = SpecValidator.Compile(Patterns.BinaryName);

        Assert.True(regex.MatchTimeout > TimeSpan.Zero && regex.MatchTimeout < TimeSpan.FromSeconds(5));
        Assert.Matches(regex, "hello");
        Assert.DoesNotMatch(regex, "hello\n");
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
