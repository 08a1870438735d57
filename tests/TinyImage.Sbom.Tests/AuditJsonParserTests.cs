using System.Text;
using TinyImage.Sbom;
using Xunit;

namespace TinyImage.Sbom.Tests;

public sealed class AuditJsonParserTests
{
    private static SbomOutcome<AuditData> Parse(string json) => AuditJsonParser.Parse(Encoding.UTF8.GetBytes(json));

    private static string Packages(params string[] packages) => $$"""{"packages":[{{string.Join(",", packages)}}]}""";

    private static string Pkg(string name, string version = "1.0.0", string extra = "") =>
        $$"""{"name":"{{name}}","version":"{{version}}","source":"crates.io"{{extra}}}""";

    private static void AssertError(SbomError expected, SbomOutcome<AuditData> result)
    {
        Assert.False(result.IsSuccess, $"expected {expected}, got success");
        Assert.Equal(expected, result.Failure.Error);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
    }

    [Fact]
    public void Parser_Rejects_Invalid_Utf8()
    {
        byte[] bytes = [.. "{\"packages\":[{\"name\":\""u8, 0xC3, 0x28, .. "\"}]}"u8];

        AssertError(SbomError.InvalidUtf8, AuditJsonParser.Parse(bytes));
    }

    [Fact]
    public void Parser_Rejects_An_Escaped_Lone_Surrogate()
    {
        AssertError(SbomError.InvalidUtf8, Parse(Packages(Pkg("a\\ud800", extra: ",\"root\":true"))));
    }

    [Theory]
    [InlineData("{\"packages\":[],}")]
    [InlineData("{\"packages\":[]} {}")]
    [InlineData("{\"packages\":[] /* comment */}")]
    [InlineData("{\"packages\":[")]
    [InlineData("")]
    [InlineData("{'packages':[]}")]
    public void Parser_Rejects_Malformed_Json(string json)
    {
        AssertError(SbomError.JsonMalformed, Parse(json));
    }

    [Fact]
    public void Parser_Rejects_Deeply_Nested_Json_Without_Recursing()
    {
        var deep = "{\"packages\":[],\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}";

        AssertError(SbomError.JsonTooDeep, Parse(deep));
    }

    [Fact]
    public void Parser_Accepts_Nesting_Up_To_The_Limit_In_Unknown_Fields()
    {
        // The document, "packages" and the package object take three levels.
        string Nested(int depth) => new string('[', depth) + new string(']', depth);

        Assert.True(Parse(Packages(Pkg("a", extra: $",\"root\":true,\"x\":{Nested(AuditJsonParser.MaxDepth - 3)}"))).IsSuccess);
        AssertError(SbomError.JsonTooDeep, Parse(Packages(Pkg("a", extra: $",\"root\":true,\"x\":{Nested(AuditJsonParser.MaxDepth - 2)}"))));
    }

    [Fact]
    public void Parser_Rejects_Dependency_Cycles()
    {
        AssertError(SbomError.DependencyCycle, Parse(Packages(Pkg("a", extra: ",\"dependencies\":[0],\"root\":true"))));
        var twoCycle = Parse(Packages(
            Pkg("a", extra: ",\"dependencies\":[1],\"root\":true"),
            Pkg("b", extra: ",\"dependencies\":[2]"),
            Pkg("c", extra: ",\"dependencies\":[1]")));
        AssertError(SbomError.DependencyCycle, twoCycle);
        Assert.Contains("b -> c -> b", twoCycle.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_Accepts_A_Diamond_That_Is_Not_A_Cycle()
    {
        var result = Parse(Packages(
            Pkg("app", extra: ",\"dependencies\":[1,2],\"root\":true"),
            Pkg("b", extra: ",\"dependencies\":[3]"),
            Pkg("c", extra: ",\"dependencies\":[3]"),
            Pkg("d")));

        Assert.True(result.IsSuccess, result.ToString());
    }

    [Fact]
    public void Parser_Rejects_Two_Roots_And_Zero_Roots()
    {
        AssertError(SbomError.MultipleRoots, Parse(Packages(Pkg("a", extra: ",\"root\":true"), Pkg("b", extra: ",\"root\":true"))));
        AssertError(SbomError.NoRoot, Parse(Packages(Pkg("a"), Pkg("b", extra: ",\"root\":false"))));
        AssertError(SbomError.NoRoot, Parse("{\"packages\":[]}"));
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[-1]")]
    [InlineData("[99999999999999999999]")]
    [InlineData("[2147483648]")]
    public void Parser_Rejects_Dependency_Index_Out_Of_Range(string deps)
    {
        AssertError(SbomError.DependencyIndexOutOfRange, Parse(Packages(Pkg("a", extra: $",\"dependencies\":{deps},\"root\":true"))));
    }

    [Fact]
    public void Parser_Rejects_A_Duplicate_Dependency_Index()
    {
        AssertError(SbomError.DuplicateDependency, Parse(Packages(Pkg("a", extra: ",\"dependencies\":[1,1],\"root\":true"), Pkg("b"))));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1")]
    [InlineData("01.0.0")]
    [InlineData("1.00.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0 ")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0-a..b")]
    [InlineData("1.0.0-a_b")]
    [InlineData("1.0.0.0")]
    [InlineData("")]
    [InlineData("99999999999999999999.0.0")]
    public void Parser_Rejects_Versions_That_Are_Not_Strict_Semver(string version)
    {
        AssertError(SbomError.InvalidVersion, Parse(Packages(Pkg("a", version, ",\"root\":true"))));
    }

    [Theory]
    [InlineData("0.0.0")]
    [InlineData("1.2.3-alpha.1")]
    [InlineData("1.2.3-0.x-y")]
    [InlineData("1.2.3+build.007")]
    [InlineData("1.2.3-rc.1+sha.5114f85")]
    [InlineData("18446744073709551615.0.0")]
    public void Parser_Accepts_Strict_Semver_Versions(string version)
    {
        Assert.True(Parse(Packages(Pkg("a", version, ",\"root\":true"))).IsSuccess);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a@b")]
    public void Parser_Rejects_Invalid_Package_Names(string name)
    {
        AssertError(SbomError.InvalidPackageName, Parse(Packages(Pkg(name, extra: ",\"root\":true"))));
    }

    [Fact]
    public void Parser_Reads_Kinds_And_Rejects_Unknown_Kinds()
    {
        var ok = Parse(Packages(Pkg("app", extra: ",\"dependencies\":[1],\"root\":true"), Pkg("cc", extra: ",\"kind\":\"build\""), Pkg("x", extra: ",\"kind\":\"runtime\"")));
        Assert.Equal([DependencyKind.Runtime, DependencyKind.Build, DependencyKind.Runtime], ok.Value!.Packages.Select(p => p.Kind));

        AssertError(SbomError.InvalidKind, Parse(Packages(Pkg("a", extra: ",\"kind\":\"development\",\"root\":true"))));
    }

    [Fact]
    public void Parser_Classifies_Sources_And_Accepts_Any_Other_String()
    {
        var json = """{"packages":[{"name":"a","version":"1.0.0","source":"git","root":true,"dependencies":[1,2,3,4]},{"name":"b","version":"1.0.0","source":"local"},{"name":"c","version":"1.0.0","source":"registry"},{"name":"d","version":"1.0.0","source":"crates.io"},{"name":"e","version":"1.0.0","source":"sparse+https://example.test/index/"}]}""";

        var result = Parse(json);

        Assert.Equal(
            [PackageSourceKind.Git, PackageSourceKind.Local, PackageSourceKind.Registry, PackageSourceKind.CratesIo, PackageSourceKind.Other],
            result.Value!.Packages.Select(p => p.SourceKind));
        Assert.Equal("sparse+https://example.test/index/", result.Value.Packages[4].Source);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"1\"")]
    [InlineData("4294967296")]
    [InlineData("null")]
    public void Parser_Rejects_Format_Values_That_Are_Not_Unsigned_Integers(string format)
    {
        AssertError(SbomError.InvalidFormat, Parse($$"""{"packages":[{{Pkg("a", extra: ",\"root\":true")}}],"format":{{format}}}"""));
    }

    [Fact]
    public void Parser_Reads_The_Format_Revision()
    {
        Assert.Equal(1u, Parse($$"""{"format":1,"packages":[{{Pkg("a", extra: ",\"root\":true")}}]}""").Value!.Format);
    }

    [Fact]
    public void Parser_Accepts_Unknown_Fields_Anywhere()
    {
        var json = """{"future":{"a":[1,{"b":null}]},"packages":[{"name":"a","version":"1.0.0","source":"local","features":["x"],"checksum":"00","root":true}],"also":true}""";

        Assert.True(Parse(json).IsSuccess);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"packages\":{}}")]
    [InlineData("{\"packages\":[1]}")]
    [InlineData("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\"}]}")]
    [InlineData("{\"packages\":[{\"name\":1,\"version\":\"1.0.0\",\"source\":\"local\"}]}")]
    [InlineData("{\"packages\":[{\"name\":\"a\",\"name\":\"b\",\"version\":\"1.0.0\",\"source\":\"local\"}]}")]
    [InlineData("{\"packages\":[],\"packages\":[]}")]
    [InlineData("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\",\"source\":\"local\",\"root\":1}]}")]
    [InlineData("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\",\"source\":\"local\",\"dependencies\":[\"0\"]}]}")]
    [InlineData("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\",\"source\":null}]}")]
    public void Parser_Rejects_Json_Of_The_Wrong_Shape(string json)
    {
        AssertError(SbomError.SchemaViolation, Parse(json));
    }
}
