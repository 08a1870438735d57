using System.Text.Json.Nodes;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Yaml.Tests;

public sealed class YamlWriterTests
{
    [Theory]
    [InlineData("0123456789")]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("off")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("1_000")]
    [InlineData("0777")]
    [InlineData(".inf")]
    [InlineData("2001-12-14")]
    [InlineData("12:30")]
    public void Strings_That_Look_Like_Other_Types_Are_Quoted(string text)
    {
        var yaml = YamlWriter.ToYaml(new JsonObject { ["v"] = text });

        Assert.True(YamlWriter.NeedsQuotes(text));
        Assert.DoesNotContain("v: " + text + "\n", yaml, StringComparison.Ordinal);
        Assert.Equal(text, YamlReader.Read(yaml).Documents[0].Root!["v"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("registry.example.com:5000/demo/hello")]
    [InlineData("--context=dir:///workspace")]
    [InlineData("a: b")]
    [InlineData("# not a comment")]
    [InlineData("- dash")]
    [InlineData("quote\"inside")]
    [InlineData("it's")]
    [InlineData("trailing ")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("ends with newline\n")]
    [InlineData("two\n\n")]
    [InlineData("spaces \nbefore break")]
    [InlineData("\u2028sep")]
    [InlineData("*alias")]
    [InlineData("&anchor")]
    [InlineData("!tag")]
    [InlineData("{flow}")]
    [InlineData("[flow]")]
    [InlineData("%directive")]
    [InlineData("@at")]
    [InlineData("`tick")]
    public void Every_String_Reads_Back_Unchanged(string text)
    {
        var yaml = YamlWriter.ToYaml(new JsonObject { ["v"] = text, ["list"] = new JsonArray(text) });

        var back = YamlReader.Read(yaml);

        Assert.True(back.Succeeded, back.DescribeError() + "\n" + yaml);
        Assert.Equal(text, back.Documents[0].Root!["v"]!.GetValue<string>());
        Assert.Equal(text, back.Documents[0].Root!["list"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Block_Style_With_Keys_In_Given_Order_And_Literal_Blocks()
    {
        var node = new JsonObject
        {
            ["kind"] = "ConfigMap",
            ["data"] = new JsonObject { ["Containerfile"] = "FROM scratch\nUSER 1:1\n" },
            ["count"] = 3,
            ["b"] = false,
            ["empty"] = new JsonObject(),
            ["none"] = new JsonArray(),
            ["items"] = new JsonArray(new JsonObject { ["a"] = 1, ["z"] = "0" }),
        };

        var yaml = YamlWriter.ToYaml(node);

        Assert.Equal(
            """
            ---
            kind: ConfigMap
            data:
              Containerfile: |
                FROM scratch
                USER 1:1
            count: 3
            b: false
            empty: {}
            none: []
            items:
            - a: 1
              z: "0"

            """.ReplaceLineEndings("\n"),
            yaml);
    }

    [Fact]
    public void Documents_Carry_Their_Comments()
    {
        using var writer = new StringWriter();

        YamlWriter.Write(writer, [(new JsonObject { ["a"] = 1 }, "first\nsecond"), (new JsonObject { ["b"] = 2 }, null)]);

        Assert.Equal("---\n# first\n# second\na: 1\n---\nb: 2\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_Round_Trips_Through_Yaml()
    {
        var json = """{"a":{"b":[1,2.5,"3",true,null,{"c":"line\nbreak"}],"d":{}},"e":[],"f":"0x10","g":-7}""";

        var back = YamlReader.Read(YamlWriter.ToYaml(JsonNode.Parse(json))).Documents[0].Root;

        Assert.Equal(json, back!.ToJsonString());
    }
}
