using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Crd;

/// <summary>
/// The validator's code counterparts of the CRD's CEL rules (<see cref="SpecValidator.CelCounterparts"/>) against the
/// CEL the API server evaluates (<see cref="ApiServerEmulation"/>, built from the generated CRD).
/// </summary>
public sealed class CelCounterpartTests
{
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

        foreach (var rule in SchemaMarkers.CelRules(type))
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
