using System.Text.Json.Nodes;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Yaml.Tests;

public sealed class YamlWriterManifestTests
{
    public static TheoryData<string> TrickyStrings() =>
    [
        "plain", "true", "no", "on", "null", "~", "1", "0x1F", "1e3", ".inf", "-", "- x", "a: b", "a #b", "key:", "'quoted'",
        "\"double\"", "line\nbreak", "tab\there", "\u2028", "caf\u00e9", "[x]", "{x}", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick`",
        " leading", "trailing ", "", "#comment", "|", ">", "?", ",", "0", "007", "+1", "=", "<<",
    ];

    [Theory]
    [MemberData(nameof(TrickyStrings))]
    public void Strings_Read_Back_Unchanged(string value)
    {
        var node = new JsonObject { ["k"] = value, ["list"] = new JsonArray(value) };

        var back = Assert.Single(YamlReader.ReadRoots(YamlWriter.ToManifest(node)));

        Assert.True(JsonNode.DeepEquals(node, back), YamlWriter.ToManifest(node));
    }

    [Fact]
    public void Sequences_Of_Mappings_Are_Written_At_The_Key_Indent()
    {
        var node = new JsonObject { ["a"] = new JsonArray(new JsonObject { ["x"] = 1, ["w"] = new JsonObject { ["z"] = true } }), ["e"] = new JsonObject(), ["m"] = new JsonArray() };

        Assert.Equal("a:\n- x: 1\n  w:\n    z: true\ne: {}\nm: []\n", YamlWriter.ToManifest(node));
    }
}
