using TinyImage.Testing;
using Xunit;
using System.Text.Json;
using TinyImage.Sbom;

namespace TinyImage.Sbom.Tests;

public sealed class AuditDataReaderFixtureTests
{
    [Theory]
    [MemberData(nameof(WithAuditData))]
    public void Reader_Decodes_Each_Fixture_To_Exactly_Its_Expected_Json_Bytes(string name)
    {
        var expected = AuditFixtures.Expected(name)!;
        using var stream = File.OpenRead(AuditFixtures.PathOf(name));

        var result = AuditDataReader.Read(stream);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected, result.Value.Json.ToArray());
    }

    [Theory]
    [MemberData(nameof(WithAuditData))]
    public void Reader_Model_Matches_The_Expected_Json_Semantically(string name)
    {
        using var expected = JsonDocument.Parse(AuditFixtures.Expected(name)!);
        using var stream = File.OpenRead(AuditFixtures.PathOf(name));

        var data = AuditDataReader.Read(stream).Value!;

        var packages = expected.RootElement.GetProperty("packages").EnumerateArray().ToList();
        Assert.Equal(packages.Count, data.Packages.Length);
        for (var i = 0; i < packages.Count; i++)
        {
            var e = packages[i];
            var p = data.Packages[i];
            Assert.Equal(e.GetProperty("name").GetString(), p.Name);
            Assert.Equal(e.GetProperty("version").GetString(), p.Version);
            Assert.Equal(e.GetProperty("source").GetString(), p.Source);
            Assert.Equal(e.TryGetProperty("kind", out var k) ? k.GetString() : "runtime", p.Kind.ToString().ToLowerInvariant());
            Assert.Equal(e.TryGetProperty("root", out var r) && r.GetBoolean(), p.IsRoot);
            var deps = e.TryGetProperty("dependencies", out var d) ? d.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [];
            Assert.Equal(deps, p.Dependencies.ToArray());
        }

        var format = expected.RootElement.TryGetProperty("format", out var f) ? f.GetUInt32() : 0u;
        Assert.Equal(format, data.Format);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Reader_Detects_Each_Fixture_Format_By_Magic(string name)
    {
        using var stream = File.OpenRead(AuditFixtures.PathOf(name));

        var format = AuditSectionLocator.Detect(new BinaryView(stream));

        var expected = name switch
        {
            _ when name.EndsWith(".wasm", StringComparison.Ordinal) => BinaryFormat.Wasm,
            _ when name.EndsWith(".exe", StringComparison.Ordinal) => BinaryFormat.Pe,
            _ => BinaryFormat.Elf,
        };
        Assert.Equal(expected, format);
    }

    [Fact]
    public void Reader_Reports_NoAuditData_For_A_Binary_Built_Without_Cargo_Auditable()
    {
        using var stream = File.OpenRead(AuditFixtures.PathOf("rustsec__binary-without-audit-info"));

        var result = AuditDataReader.Read(stream);

        Assert.False(result.IsSuccess);
        Assert.Equal(SbomError.NoAuditData, result.Failure.Error);
    }

    [Fact]
    public void Reader_Uses_VirtualSize_Not_The_Padded_Raw_Size_For_Pe()
    {
        using var stream = File.OpenRead(AuditFixtures.PathOf("trivy__test.exe"));

        var section = AuditSectionLocator.Locate(new BinaryView(stream));

        Assert.True(section.IsSuccess, section.ToString());
        Assert.Equal(118, section.Value.Length);
        Assert.Equal(".dep-v0", section.Value.Name);
    }

    [Fact]
    public void Reader_Names_The_Root_Package_Of_The_Vulnerable_Binary()
    {
        using var stream = File.OpenRead(AuditFixtures.PathOf("rustsec__binary-with-vuln"));

        var data = AuditDataReader.Read(stream).Value!;

        Assert.Equal("vulnerable-binary", data.Root.Name);
        Assert.Equal(PackageSourceKind.CratesIo, data.Packages[0].SourceKind);
        Assert.Equal(PackageSourceKind.Local, data.Root.SourceKind);
    }

    public static TheoryData<string> Binaries() => AuditFixtures.Binaries();

    public static TheoryData<string> WithAuditData() => AuditFixtures.WithAuditData();
}
