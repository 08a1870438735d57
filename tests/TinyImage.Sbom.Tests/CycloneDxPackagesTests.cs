using System.Text;
using TinyImage.Sbom;
using Xunit;

namespace TinyImage.Sbom.Tests;

public sealed class CycloneDxPackagesTests
{
    private static readonly ImageFacts Image = new("registry.test:5000/team/hello", "sha256:" + new string('a', 64), 1234, 1, []);

    private static AuditData Data() => AuditJsonParser.Parse(Encoding.UTF8.GetBytes(
        """{"packages":[{"name":"serde","version":"1.0.0+build.1","source":"crates.io"},{"name":"cc","version":"1.2.0","source":"crates.io","kind":"build"},{"name":"hello","version":"0.1.0","source":"local","dependencies":[0,1],"root":true}],"format":1}""")).Value!;

    [Fact]
    public void The_Packages_Read_Back_From_An_Image_Bom_Are_Those_Of_The_Sbom_Root_First()
    {
        var read = CycloneDxPackages.Read(CycloneDxWriter.Write(Data(), Image));

        Assert.Equal([("hello", "0.1.0"), ("serde", "1.0.0+build.1"), ("cc", "1.2.0")], read);
    }

    [Fact]
    public void Without_An_Image_The_Root_Crate_Is_Read_From_The_Bom_Subject()
    {
        var read = CycloneDxPackages.Read(CycloneDxWriter.Write(Data(), null));

        Assert.Equal([("hello", "0.1.0"), ("serde", "1.0.0+build.1"), ("cc", "1.2.0")], read);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"bomFormat":"SPDX","components":[]}""")]
    public void A_Document_That_Is_Not_CycloneDx_Reads_As_Null(string json)
    {
        Assert.Null(CycloneDxPackages.Read(json));
    }
}
