using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.Operator.Tests.Manifests;

public sealed class KubeObjectsTests
{
    [Fact]
    public void Round_Trip_Finds_A_Field_At_The_Wrong_Level()
    {
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},
             "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
               "spec":{"containers":[{"name":"m","image":"i","readOnlyRootFilesystem":true}]}}}}
            """)!.AsObject();

        var difference = KubeObjects.RoundTripDifference(deployment);

        Assert.NotNull(difference);
        Assert.Contains("containers[0].readOnlyRootFilesystem", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Round_Trip_Of_A_Well_Formed_Object_Has_No_Difference()
    {
        var service = JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"name":"http","port":80,"targetPort":"http"}]}}""")!.AsObject();

        Assert.Null(KubeObjects.RoundTripDifference(service));
    }
}
