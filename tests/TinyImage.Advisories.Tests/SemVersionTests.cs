using Xunit;

namespace TinyImage.Advisories.Tests;

public sealed class SemVersionTests
{
    [Theory]
    [InlineData("1.2.3", 1ul, 2ul, 3ul, "")]
    [InlineData("0.0.1", 0ul, 0ul, 1ul, "")]
    [InlineData("1.0.0-alpha.1", 1ul, 0ul, 0ul, "alpha.1")]
    [InlineData("1.0.0-x-y-z.--", 1ul, 0ul, 0ul, "x-y-z.--")]
    [InlineData("1.0.0+build.5", 1ul, 0ul, 0ul, "")]
    public void A_Version_Parses_Into_Its_Parts(string text, ulong major, ulong minor, ulong patch, string pre)
    {
        var v = SemVersion.Parse(text);
        Assert.Equal((major, minor, patch, pre), (v.Major, v.Minor, v.Patch, v.Prerelease));
        Assert.Equal(text, v.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("v1.2.3")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-a..b")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3 ")]
    [InlineData("1.2.3+")]
    public void Text_That_Is_Not_A_Semantic_Version_Is_Refused(string text) =>
        Assert.False(SemVersion.TryParse(text, out _));

    [Fact]
    public void Versions_Order_By_The_SemVer_Specification_Precedence_Example()
    {
        // semver.org, item 11.
        string[] ordered =
        [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
        ];
        for (var i = 0; i + 1 < ordered.Length; i++)
        {
            Assert.True(SemVersion.Parse(ordered[i]) < SemVersion.Parse(ordered[i + 1]), $"{ordered[i]} < {ordered[i + 1]}");
        }
    }

    [Fact]
    public void Build_Metadata_Takes_No_Part_In_Precedence() =>
        Assert.Equal(SemVersion.Parse("1.0.0+a"), SemVersion.Parse("1.0.0+b"));
}
