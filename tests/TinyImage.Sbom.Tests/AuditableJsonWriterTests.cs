using System.Text;
using TinyImage.Sbom;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Sbom.Tests;

public sealed class AuditableJsonWriterTests
{
    [Theory]
    [MemberData(nameof(WithAuditData))]
    public void Writer_Reproduces_Each_Fixture_Byte_For_Byte(string name)
    {
        var expected = Encoding.UTF8.GetString(AuditFixtures.Expected(name)!);
        using var stream = File.OpenRead(AuditFixtures.PathOf(name));

        Assert.Equal(expected, AuditableJsonWriter.Write(AuditDataReader.Read(stream).Value!));
    }

    [Fact]
    public void Writer_Normalises_Field_Order_Defaults_And_Unknown_Fields()
    {
        var input = """{"format":0,"extra":1,"packages":[{"root":true,"kind":"runtime","source":"local","version":"0.1.0","name":"app","dependencies":[1],"features":["x"]},{"kind":"build","dependencies":[],"name":"cc","version":"1.0.0","source":"crates.io","root":false}]}""";

        var data = AuditJsonParser.Parse(Encoding.UTF8.GetBytes(input)).Value!;

        Assert.Equal(
            """{"packages":[{"name":"app","version":"0.1.0","source":"local","dependencies":[1],"root":true},{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}]}""",
            AuditableJsonWriter.Write(data));
    }

    public static TheoryData<string> WithAuditData() => AuditFixtures.WithAuditData();
}
