using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Builtins;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>The Go round trip's decode errors name the field as the decoder does, and a decode that succeeds builds no path.</summary>
public sealed class GoJsonTests
{
    private static readonly GoType Deployment = GoType.Struct("apps.Deployment");

    [Theory]
    [InlineData("""{"kind":1}""", "json: cannot unmarshal number 1 into Go struct field Deployment.kind of type string")]
    [InlineData("""{"spec":{"replicas":"two"}}""", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("""{"metadata":{"labels":{"app":1}}}""", "json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels.app of type string")]
    [InlineData("""{"metadata":{"creationTimestamp":5}}""", "json: cannot unmarshal number 5 into Go struct field ObjectMeta.metadata.creationTimestamp of type v1.Time")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b","resources":{"limits":{"cpu":true}}}]}}}}""",
        "json: cannot unmarshal bool into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits.cpu of type resource.Quantity")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X","valueFrom":{"fieldRef":{"fieldPath":2}}}]}]}}}}""",
        "json: cannot unmarshal number 2 into Go struct field ObjectFieldSelector.spec.template.spec.containers.env.valueFrom.fieldRef.fieldPath of type string")]
    public void A_Decode_Error_Names_The_Path_Of_The_Field_From_The_Root(string json, string message)
    {
        var input = JsonNode.Parse(json)!.AsObject();

        var ex = Assert.Throws<GoDecodeException>(() => GoJson.RoundTrip(input, Deployment));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void A_Status_Field_Decode_Error_Names_The_Path_From_The_Status()
    {
        var input = JsonNode.Parse("""{"status":{"conditions":[{"type":"Available","status":"True","lastUpdateTime":7}]}}""")!.AsObject();

        var ex = Assert.Throws<GoDecodeException>(() => GoJson.RoundTripField(input, Deployment, "status"));

        Assert.Equal("json: cannot unmarshal number 7 into Go struct field DeploymentCondition.status.conditions.lastUpdateTime of type v1.Time", ex.Message);
    }

    [Fact]
    public void A_Path_Is_Written_Out_Only_When_Asked_With_A_Map_Key_Always_After_A_Dot()
    {
        var path = new GoPath();
        Assert.Equal("", path.ToString());
        path.PushKey("k");
        Assert.Equal(".k", path.ToString());
        path.Pop();
        path.PushField("spec");
        path.PushField("selector");
        path.PushField("matchLabels");
        path.PushKey("app.kubernetes.io/name");
        Assert.Equal("spec.selector.matchLabels.app.kubernetes.io/name", path.ToString());
        path.Pop();
        path.Pop();
        Assert.Equal("spec.selector", path.ToString());
        Assert.Equal(2, path.Depth);
    }

    [Fact]
    public void Round_Tripping_A_Stored_Deployment_Again_Allocates_No_String_Or_List_Per_Field()
    {
        // A Deployment in Go's order (its own round trip's output): a second round trip is the identity. When each decoded
        // field built its dotted path (a string of 30 to 70 characters) and each struct a new list of its fields, this took
        // about 170 bytes per field of the object (5,960 for these 35); with the path kept as segments and the lists reused,
        // about 34 (1,176).
        var stored = GoJson.RoundTrip(BuiltinStorageTests.Deployment("web"), Deployment);
        var fields = CountFields(stored);
        _ = GoJson.RoundTrip(stored, Deployment); // warm: the zero structs' cache

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = GoJson.RoundTrip(stored, Deployment);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(stored, again);
        Assert.True(fields > 30, $"{fields} fields");
        Assert.True(allocated < 80L * fields, $"{allocated} bytes allocated for {fields} fields");
    }

    private static int CountFields(JsonNode? node) => node switch
    {
        JsonObject o => o.Count + o.Sum(p => CountFields(p.Value)),
        JsonArray a => a.Sum(CountFields),
        _ => 0,
    };
}
