using System.Text.Json.Nodes;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Operator.Tests.Kube;

/// <summary>Desired against stored children, compared as the API server normalizes them.</summary>
public sealed class ChildComparerTests
{
    [Theory]
    [InlineData("""{"env":[{"name":"A","value":""}]}""", """{"env":[{"name":"A"}]}""")]
    [InlineData("""{"resources":{"limits":{},"requests":{"cpu":"1000m"}}}""", """{"resources":{"requests":{"cpu":"1"}}}""")]
    [InlineData("""{"resources":{"requests":{"memory":"0.5Gi"}}}""", """{"resources":{"requests":{"memory":"512Mi"}}}""")]
    [InlineData("""{"image":"x","ports":[{"containerPort":3000}]}""", """{"image":"x","imagePullPolicy":"IfNotPresent","ports":[{"containerPort":3000,"protocol":"TCP"}],"terminationMessagePath":"/dev/termination-log"}""")]
    [InlineData("""{"args":[]}""", """{}""")]
    [InlineData("""{"resources":{"limits":{"cpu":"not-a-quantity"}}}""", """{"resources":{"limits":{"cpu":"not-a-quantity"}}}""")]
    public void What_The_Server_Normalized_Or_Defaulted_Matches(string desired, string actual)
    {
        Assert.True(ChildComparer.Matches(JsonNode.Parse(desired), JsonNode.Parse(actual)));
    }

    [Theory]
    [InlineData("""{"image":"x"}""", """{"image":"x","args":["--loud"]}""")]
    [InlineData("""{"image":"x"}""", """{"image":"x","env":[{"name":"A","value":"1"}]}""")]
    [InlineData("""{"resources":{"limits":{"memory":"64Mi"}}}""", """{"resources":{"limits":{"memory":"64Mi","cpu":"1"}}}""")]
    [InlineData("""{"resources":{"requests":{"cpu":"500m"}}}""", """{"resources":{"requests":{"cpu":"1"}}}""")]
    [InlineData("""{"env":[{"name":"A","value":"1"}]}""", """{"env":[{"name":"A","value":"2"}]}""")]
    [InlineData("""{"command":["/bin/a"]}""", """{"command":["/bin/b"]}""")]
    public void A_Field_The_Operator_Owns_That_Differs_Or_Was_Dropped_From_The_Spec_Does_Not_Match(string desired, string actual)
    {
        Assert.False(ChildComparer.Matches(JsonNode.Parse(desired), JsonNode.Parse(actual)));
    }
}
