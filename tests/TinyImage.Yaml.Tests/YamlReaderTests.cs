using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Yaml.Tests;

public sealed class YamlReaderTests
{
    private static JsonNode? One(string yaml)
    {
        var result = YamlReader.Read(yaml);
        Assert.True(result.Succeeded, result.DescribeError());
        return Assert.Single(result.Documents).Root;
    }

    [Theory]
    [InlineData("v: 12", "{\"v\":12}")]
    [InlineData("v: -0012", "{\"v\":-12}")]
    [InlineData("v: 0o17", "{\"v\":15}")]
    [InlineData("v: 0x1F", "{\"v\":31}")]
    [InlineData("v: 1.50", "{\"v\":1.50}")]
    [InlineData("v: .5", "{\"v\":0.5}")]
    [InlineData("v: 1e3", "{\"v\":1e3}")]
    [InlineData("v: true", "{\"v\":true}")]
    [InlineData("v: FALSE", "{\"v\":false}")]
    [InlineData("v: ~", "{\"v\":null}")]
    [InlineData("v:", "{\"v\":null}")]
    [InlineData("v: Null", "{\"v\":null}")]
    [InlineData("v: yes", "{\"v\":\"yes\"}")]
    [InlineData("v: on", "{\"v\":\"on\"}")]
    [InlineData("v: 0777x", "{\"v\":\"0777x\"}")]
    [InlineData("v: '12'", "{\"v\":\"12\"}")]
    [InlineData("v: \"true\"", "{\"v\":\"true\"}")]
    [InlineData("v: !!str 12", "{\"v\":\"12\"}")]
    [InlineData("v: !!int \"12\"", "{\"v\":12}")]
    [InlineData("v: 4Mi", "{\"v\":\"4Mi\"}")]
    [InlineData("v: 9223372036854775808", "{\"v\":9223372036854775808}")]
    public void Plain_Scalars_Follow_The_Core_Schema_And_Quoted_Ones_Stay_Strings(string yaml, string json)
    {
        Assert.Equal(json, One(yaml)!.ToJsonString());
    }

    [Fact]
    public void Nested_Maps_Lists_And_Block_Scalars_Become_Json()
    {
        var node = One("""
            a:
              b: [1, two]
              c:
              - x: 1
              - y
            text: |
              line one
              line two
            """ + "\n");

        Assert.Equal("{\"a\":{\"b\":[1,\"two\"],\"c\":[{\"x\":1},\"y\"]},\"text\":\"line one\\nline two\\n\"}", node!.ToJsonString());
    }

    [Fact]
    public void Anchors_Aliases_And_Merge_Keys_Are_Expanded()
    {
        var node = One("""
            base: &b {x: 1, y: 2}
            copy: *b
            merged:
              <<: *b
              y: 3
            """);

        Assert.Equal("{\"base\":{\"x\":1,\"y\":2},\"copy\":{\"x\":1,\"y\":2},\"merged\":{\"x\":1,\"y\":3}}", node!.ToJsonString());
    }

    [Fact]
    public void Multi_Document_Streams_Give_One_Document_Each()
    {
        var result = YamlReader.Read("a: 1\n---\nb: 2\n---\n");

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Documents.Count);
        Assert.Null(result.Documents[2].Root);
    }

    [Fact]
    public void ReadRoots_Gives_The_Root_Of_Each_Document_In_Order_With_Null_For_An_Empty_One()
    {
        var roots = YamlReader.ReadRoots("a: 1\n---\n---\n- on\n- 0x10\n");

        Assert.Equal(3, roots.Count);
        Assert.Equal("{\"a\":1}", roots[0]!.ToJsonString());
        Assert.Null(roots[1]);
        Assert.Equal("[\"on\",16]", roots[2]!.ToJsonString());
    }

    [Fact]
    public void ReadRoots_Throws_A_FormatException_Naming_Line_And_Column()
    {
        var error = Assert.Throws<FormatException>(() => YamlReader.ReadRoots("a: 1\na: 2\n"));

        Assert.StartsWith("line 2, column ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("duplicate key \"a\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Positions_Are_Recorded_By_Field_Path()
    {
        var doc = YamlReader.Read("spec:\n  build:\n    features:\n    - a\n    - b\n  \"odd.key\": 1\n").Documents[0];

        Assert.Equal(new YamlPosition(5, 7), doc.Positions["spec.build.features[1]"]);
        Assert.Equal(new YamlPosition(2, 3), doc.Positions["spec.build"]);
        Assert.Equal(new YamlPosition(6, 3), doc.Positions["spec[\"odd.key\"]"]);
        Assert.Equal(new YamlPosition(5, 7), doc.PositionOf("spec.build.features[1].missing"));
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", 2, "duplicate key")]
    [InlineData("a: [1, 2\n", 2, "")]
    [InlineData("a:\n  b: 1\n c: 2\n", 3, "")]
    [InlineData("a: *nope\n", 1, "")]
    [InlineData("a: .inf\n", 1, "no JSON representation")]
    [InlineData("a: !custom x\n", 1, "unsupported tag")]
    [InlineData("? [1]\n: x\n", 1, "keys must be scalars")]
    public void Errors_Carry_Line_And_Column(string yaml, int line, string message)
    {
        var result = YamlReader.Read(yaml);

        Assert.False(result.Succeeded);
        Assert.Equal(line, result.ErrorPosition!.Line);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.StartsWith("line " + line + ", column ", result.DescribeError(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_Paths_From_System_Text_Json_Convert_To_Field_Paths()
    {
        Assert.Equal("spec.build.features[1]", YamlPaths.FromJsonPath("$.spec.build.features[1]"));
        Assert.Equal("spec.resources[\"a.b\"]", YamlPaths.FromJsonPath("$.spec.resources['a.b']"));
        Assert.Equal("", YamlPaths.FromJsonPath("$"));
        Assert.Equal("spec.build", YamlPaths.Parent("spec.build.features"));
        Assert.Equal("spec.build.features", YamlPaths.Parent("spec.build.features[1]"));
        Assert.Equal("spec", YamlPaths.Parent("spec[\"a[b].c\"]"));
    }

    [Fact]
    public void Json_Value_Kinds_Survive()
    {
        var node = One("i: 1\nf: 1.5\nb: true\ns: x\nn: null\n")!.AsObject();

        Assert.Equal(JsonValueKind.Number, node["i"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, node["f"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, node["b"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, node["s"]!.GetValueKind());
        Assert.Null(node["n"]);
    }
}
