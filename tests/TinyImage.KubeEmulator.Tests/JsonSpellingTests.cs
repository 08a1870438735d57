using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>Two nodes are the same spelling exactly when they are written as the same bytes.</summary>
public sealed class JsonSpellingTests
{
    [Theory]
    [InlineData("""{"a":1,"b":[true,"x",null]}""", """{"a":1,"b":[true,"x",null]}""", true)]
    [InlineData("""{"a":1}""", """{"a":1.0}""", false)]
    [InlineData("""{"a":1,"b":2}""", """{"b":2,"a":1}""", false)]
    [InlineData("""{"a":1e0}""", """{"a":1}""", false)]
    [InlineData("""{"a":"A"}""", """{"a":"\u0041"}""", true)]
    [InlineData("""[1,2]""", """[2,1]""", false)]
    [InlineData("""{"a":{}}""", """{"a":[]}""", false)]
    [InlineData("""{"a":null}""", """{}""", false)]
    public void Parsed_Nodes_Are_The_Same_Exactly_When_They_Are_Written_Alike(string left, string right, bool same)
    {
        var a = JsonNode.Parse(left);
        var b = JsonNode.Parse(right);

        Assert.Equal(same, JsonSpelling.Same(a, b));
        Assert.Equal(same, a!.ToJsonString() == b!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(a, b) || !same); // DeepEquals is the looser of the two
    }

    [Fact]
    public void A_Dotnet_Number_Is_The_Same_As_Another_Written_With_The_Same_Digits()
    {
        Assert.True(JsonSpelling.Same(new JsonObject { ["a"] = 1 }, new JsonObject { ["a"] = 1L }));
        Assert.True(JsonSpelling.Same(new JsonObject { ["a"] = 1 }, JsonNode.Parse("""{"a":1}""")));
        Assert.False(JsonSpelling.Same(new JsonObject { ["a"] = 1 }, JsonNode.Parse("""{"a":1.0}""")));
        Assert.False(JsonSpelling.Same(new JsonObject { ["a"] = 1 }, new JsonObject { ["a"] = 2 }));
        Assert.True(JsonSpelling.Same(new JsonObject { ["a"] = 0.5 }, JsonNode.Parse("""{"a":0.5}""")));
    }
}
