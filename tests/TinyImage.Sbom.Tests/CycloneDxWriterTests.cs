using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TinyImage.Sbom;
using Xunit;

namespace TinyImage.Sbom.Tests;

public sealed partial class CycloneDxWriterTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly ImageFacts Image = new("registry.test:5000/team/Hello", Digest, 1234, 1, []);

    private static AuditData Data(string json = """{"packages":[{"name":"serde","version":"1.0.0+build.1","source":"crates.io"},{"name":"cc","version":"1.2.0","source":"crates.io","kind":"build"},{"name":"hello","version":"0.1.0","source":"local","dependencies":[0,1],"root":true}],"format":1}""") =>
        AuditJsonParser.Parse(Encoding.UTF8.GetBytes(json)).Value!;

    [GeneratedRegex("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex SerialPattern();

    [Fact]
    public void CycloneDx_Has_The_1_6_Shape_With_Components_And_Purls()
    {
        using var doc = JsonDocument.Parse(CycloneDxWriter.Write(Data(), Image));
        var root = doc.RootElement;

        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Matches(SerialPattern(), root.GetProperty("serialNumber").GetString());
        var components = root.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["pkg:cargo/hello@0.1.0", "pkg:cargo/serde@1.0.0%2Bbuild.1", "pkg:cargo/cc@1.2.0"], components.Select(c => c.GetProperty("purl").GetString()));
        Assert.Equal(["application", "library", "library"], components.Select(c => c.GetProperty("type").GetString()));
        Assert.Equal(["required", "required", "excluded"], components.Select(c => c.GetProperty("scope").GetString()));
        Assert.All(components, c => Assert.Equal(c.GetProperty("purl").GetString(), c.GetProperty("bom-ref").GetString()));
    }

    [Fact]
    public void CycloneDx_Names_The_Image_Digest_As_Subject()
    {
        using var doc = JsonDocument.Parse(CycloneDxWriter.Write(Data(), Image));
        var subject = doc.RootElement.GetProperty("metadata").GetProperty("component");

        Assert.Equal("container", subject.GetProperty("type").GetString());
        Assert.Equal("registry.test:5000/team/Hello", subject.GetProperty("name").GetString());
        Assert.Equal(Digest, subject.GetProperty("version").GetString());
        var hash = subject.GetProperty("hashes")[0];
        Assert.Equal("SHA-256", hash.GetProperty("alg").GetString());
        Assert.Equal(Digest["sha256:".Length..], hash.GetProperty("content").GetString());
        Assert.Equal("pkg:oci/hello@sha256%3A" + Digest["sha256:".Length..] + "?repository_url=registry.test%3A5000/team/Hello", subject.GetProperty("purl").GetString());
    }

    [Fact]
    public void CycloneDx_Uses_The_Root_Crate_As_Subject_Without_An_Image()
    {
        using var doc = JsonDocument.Parse(CycloneDxWriter.Write(Data(), null));

        Assert.Equal("pkg:cargo/hello@0.1.0", doc.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString());
        Assert.DoesNotContain(doc.RootElement.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "hello");
    }

    [Fact]
    public void CycloneDx_Dependency_Graph_Refers_Only_To_Declared_Refs()
    {
        using var doc = JsonDocument.Parse(CycloneDxWriter.Write(Data(), Image));
        var root = doc.RootElement;
        var refs = root.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString())
            .Append(root.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString())
            .ToHashSet();
        var graph = root.GetProperty("dependencies").EnumerateArray()
            .ToDictionary(d => d.GetProperty("ref").GetString()!, d => d.GetProperty("dependsOn").EnumerateArray().Select(x => x.GetString()).ToList());

        Assert.Equal(refs, graph.Keys.ToHashSet<string?>());
        Assert.All(graph.Values.SelectMany(v => v), r => Assert.Contains(r, refs));
        Assert.Equal(["pkg:cargo/serde@1.0.0%2Bbuild.1", "pkg:cargo/cc@1.2.0"], graph["pkg:cargo/hello@0.1.0"]);
        Assert.Equal(["pkg:cargo/hello@0.1.0"], graph[root.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString()!]);
    }

    [Fact]
    public void CycloneDx_Output_Is_Deterministic_And_The_Serial_Follows_The_Content()
    {
        var first = CycloneDxWriter.Write(Data(), Image);
        var again = CycloneDxWriter.Write(Data(), Image);
        var otherImage = CycloneDxWriter.Write(Data(), Image with { Digest = "sha256:" + new string('f', 64) });

        Assert.Equal(first, again);
        Assert.NotEqual(Serial(first), Serial(otherImage));
        Assert.DoesNotContain("timestamp", first, StringComparison.Ordinal);
    }

    [Fact]
    public void CycloneDx_Gives_Repeated_Purls_Distinct_Bom_Refs()
    {
        var data = Data("""{"packages":[{"name":"a","version":"1.0.0","source":"crates.io"},{"name":"a","version":"1.0.0","source":"git"},{"name":"app","version":"0.1.0","source":"local","dependencies":[0,1],"root":true}]}""");

        using var doc = JsonDocument.Parse(CycloneDxWriter.Write(data, Image));
        var refs = doc.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()).ToList();

        Assert.Equal(refs.Count, refs.Distinct().Count());
    }

    private static string? Serial(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("serialNumber").GetString();
    }
}
