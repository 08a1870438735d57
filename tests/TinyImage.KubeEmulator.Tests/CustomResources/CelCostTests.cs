using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>
/// x-kubernetes-validations at CRD creation: a rule must compile, fit the per-rule estimated cost limit (10,000,000)
/// and all rules together the per-CRD limit (100,000,000), worded as upstream's getCostErrorMessage
/// (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go).
/// </summary>
public sealed class CelCostTests
{
    private const string Budget = " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";

    // `self.all(x, x.contains('gpu'))` on a list of strings: for each maxLength, the largest maxItems the real
    // validator accepts (measured with apiextensions' ValidateCustomResourceDefinition); one more item is refused.
    public static TheoryData<long, long> LargestAcceptedLists() => new()
    {
        { 16, 909_090 },
        { 63, 333_333 },
        { 253, 94_339 },
        { 1024, 24_154 },
    };

    [Theory]
    [MemberData(nameof(LargestAcceptedLists))]
    public async Task A_Rule_Walking_A_Bounded_List_Of_Bounded_Strings_Fits_Up_To_The_Real_Validators_Largest_List(long maxLength, long maxItems)
    {
        var (accepted, _) = await CelCostTestsCreateAsync(Tags(maxLength, maxItems));
        var (refused, body) = await CelCostTestsCreateAsync(Tags(maxLength, maxItems + 1));

        Assert.Equal(201, accepted);
        Assert.Equal(422, refused);
        var cause = Assert.Single(Crds.Causes(body));
        Assert.StartsWith("spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.0000", cause);
        Assert.EndsWith("x" + Budget, cause);
    }

    [Fact]
    public async Task A_Rule_Walking_An_Unbounded_List_Of_Unbounded_Strings_Is_Refused_With_All_Three_Errors()
    {
        var (code, body) = await CelCostTestsCreateAsync(Tags(maxLength: null, maxItems: null));

        Assert.Equal(422, code);
        Assert.Equal(
            [
                "spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x" + Budget,
                "spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema",
                "spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x" + Budget,
            ],
            Crds.Causes(body));
    }

    [Fact]
    public async Task A_Split_Walk_Over_An_Unbounded_String_Is_Refused_And_Fits_Once_The_String_Has_A_MaxLength()
    {
        const string rule = "!self.path.split('/').exists(s, s == '..' || s == '.')";
        var unbounded = Crds.Thing(new JsonObject { ["path"] = new JsonObject { ["type"] = "string" } }, new JsonArray(new JsonObject { ["rule"] = rule }));
        var bounded = Crds.Thing(new JsonObject { ["path"] = new JsonObject { ["type"] = "string", ["maxLength"] = 512 } }, new JsonArray(new JsonObject { ["rule"] = rule }));

        var (refused, body) = await CelCostTestsCreateAsync(unbounded);
        var (accepted, _) = await CelCostTestsCreateAsync(bounded);

        Assert.Equal(422, refused);
        Assert.Contains(Crds.Causes(body), c => c.StartsWith("spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget", StringComparison.Ordinal));
        Assert.Equal(201, accepted);
    }

    [Fact]
    public async Task Cheap_Rules_Under_An_Unbounded_List_Each_Fit_But_Together_Exceed_The_Crds_Budget()
    {
        // Each rule runs once per item of an unbounded list of objects (about a million items by the 3 MiB request
        // limit), so each costs several million: under the per-rule limit, over the per-CRD one together.
        var rules = new JsonArray([.. Enumerable.Range(0, 40).Select(i => (JsonNode)new JsonObject { ["rule"] = $"self.a != 'x{i}'" })]);
        var items = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = new JsonObject { ["type"] = "string", ["maxLength"] = 8 } }, ["x-kubernetes-validations"] = rules };
        var crd = Crds.Thing(new JsonObject { ["list"] = new JsonObject { ["type"] = "array", ["items"] = items } });

        var (code, body) = await CelCostTestsCreateAsync(crd);

        Assert.Equal(422, code);
        var causes = Crds.Causes(body);
        Assert.DoesNotContain(causes, c => c.Contains("estimated rule cost exceeds budget", StringComparison.Ordinal));
        Assert.Contains(causes, c => c.StartsWith("spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of ", StringComparison.Ordinal));
        Assert.Equal(4, causes.Count(c => c.EndsWith(": Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_Rule_That_Does_Not_Compile_Is_Refused_At_Its_Rule_Path()
    {
        var crd = Crds.Thing(new JsonObject { ["a"] = new JsonObject { ["type"] = "string" } }, new JsonArray(new JsonObject { ["rule"] = "self.a ==", ["message"] = "m" }));

        var (code, body) = await CelCostTestsCreateAsync(crd);

        Assert.Equal(422, code);
        var cause = Assert.Single(Crds.Causes(body));
        Assert.StartsWith(
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.a ==\", Message:\"m\", ",
            cause);
        Assert.Contains(": compilation failed: ", cause);
    }

    private static JsonObject Tags(long? maxLength, long? maxItems)
    {
        var item = new JsonObject { ["type"] = "string" };
        if (maxLength is { } l)
        {
            item["maxLength"] = l;
        }

        var tags = new JsonObject { ["type"] = "array", ["items"] = item, ["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = "self.all(x, x.contains('gpu'))" }) };
        if (maxItems is { } n)
        {
            tags["maxItems"] = n;
        }

        return Crds.Thing(new JsonObject { ["tags"] = tags });
    }

    private static Task<(int Code, JsonObject Body)> CelCostTestsCreateAsync(JsonObject crd) => CrdValidationTests.CreateAsync(crd);
}
