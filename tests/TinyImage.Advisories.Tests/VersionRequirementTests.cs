using Xunit;

namespace TinyImage.Advisories.Tests;

/// <summary>The cases of the semver crate's own tests (tests/test_version_req.rs): caret, tilde, wildcard, pre-release.</summary>
public sealed class VersionRequirementTests
{
    [Theory]
    // basic: a bare version is a caret requirement
    [InlineData("1.0.0", "1.0.0 1.1.0 1.0.1", "0.9.9 0.10.0 0.1.0 1.0.0-pre 0.0.1")]
    // exact
    [InlineData("=1.0.0", "1.0.0", "1.0.1 0.9.9 0.10.0 0.1.0 1.0.0-pre")]
    [InlineData("=0.9.0", "0.9.0", "0.9.1 1.9.0 0.0.9 0.9.0-pre")]
    [InlineData("=0.0.2", "0.0.2", "0.0.1 0.0.3 0.0.2-pre")]
    [InlineData("=0.1.0-beta2.a", "0.1.0-beta2.a", "0.9.1 0.1.0 0.1.1-beta2.a 0.1.0-beta2")]
    [InlineData("=0.1.0+meta", "0.1.0 0.1.0+meta 0.1.0+any", "")]
    // greater than
    [InlineData(">= 1.0.0", "1.0.0 2.0.0", "0.1.0 0.0.1 1.0.0-pre 2.0.0-pre")]
    [InlineData(">= 2.1.0-alpha2", "2.1.0-alpha2 2.1.0-alpha3 2.1.0 3.0.0", "2.0.0 2.1.0-alpha1 2.0.0-alpha2 3.0.0-alpha2")]
    // less than
    [InlineData("< 1.0.0", "0.1.0 0.0.1", "1.0.0 1.0.0-beta 1.0.1 0.9.9-alpha")]
    [InlineData("<= 2.1.0-alpha2", "2.1.0-alpha2 2.1.0-alpha1 2.0.0 1.0.0", "2.1.0 2.2.0-alpha1 2.0.0-alpha2 1.0.0-alpha2")]
    [InlineData(">1.0.0-alpha, <1.0.0", "1.0.0-beta", "")]
    [InlineData(">1.0.0-alpha, <1.0", "", "1.0.0-beta")]
    [InlineData(">1.0.0-alpha, <1", "", "1.0.0-beta")]
    // multiple
    [InlineData("> 0.0.9, <= 2.5.3", "0.0.10 1.0.0 2.5.3", "0.0.8 2.5.4")]
    [InlineData("0.3.0, 0.4.0", "", "0.0.8 0.3.0 0.4.0")]
    [InlineData("<= 0.2.0, >= 0.5.0", "", "0.0.0 0.3.0 0.6.0")]
    [InlineData(">=0.5.1-alpha3, <0.6", "0.5.1-alpha3 0.5.1-alpha4 0.5.1-beta 0.5.1 0.5.5", "0.5.1-alpha1 0.5.2-alpha3 0.5.5-pre 0.5.0-pre 0.6.0 0.6.0-pre")]
    // tilde
    [InlineData("~1", "1.0.0 1.0.1 1.1.1", "0.9.1 2.9.0 0.0.9")]
    [InlineData("~1.2", "1.2.0 1.2.1", "1.1.1 1.3.0 0.0.9")]
    [InlineData("~1.2.2", "1.2.2 1.2.4", "1.2.1 1.9.0 1.0.9 2.0.1 0.1.3")]
    [InlineData("~1.2.3-beta.2", "1.2.3 1.2.4 1.2.3-beta.2 1.2.3-beta.4", "1.3.3 1.1.4 1.2.3-beta.1 1.2.4-beta.2")]
    // caret
    [InlineData("^1", "1.1.2 1.1.0 1.2.1 1.0.1", "0.9.1 2.9.0 0.1.4")]
    [InlineData("^1.1", "1.1.2 1.1.0 1.2.1", "0.9.1 2.9.0 1.0.1 0.1.4")]
    [InlineData("^1.1.2", "1.1.2 1.1.4 1.2.1", "0.9.1 2.9.0 1.1.1 0.0.1 1.1.2-alpha1 1.1.3-alpha1 2.9.0-alpha1")]
    [InlineData("^0.1.2", "0.1.2 0.1.4", "0.9.1 2.9.0 1.1.1 0.0.1 0.1.2-beta 0.1.3-alpha 0.2.0-pre")]
    [InlineData("^0.5.1-alpha3", "0.5.1-alpha3 0.5.1-alpha4 0.5.1-beta 0.5.1 0.5.5", "0.5.1-alpha1 0.5.2-alpha3 0.5.5-pre 0.5.0-pre 0.6.0")]
    [InlineData("^0.0.2", "0.0.2", "0.9.1 2.9.0 1.1.1 0.0.1 0.1.4")]
    [InlineData("^0.0", "0.0.2 0.0.0", "0.9.1 2.9.0 1.1.1 0.1.4")]
    [InlineData("^0", "0.9.1 0.0.2 0.0.0", "2.9.0 1.1.1")]
    [InlineData("^1.4.2-beta.5", "1.4.2 1.4.3 1.4.2-beta.5 1.4.2-beta.6 1.4.2-c", "0.9.9 2.0.0 1.4.2-alpha 1.4.2-beta.4 1.4.3-beta.5")]
    // wildcard
    [InlineData("*", "0.9.1 2.9.0 0.0.9 1.0.1 1.1.1", "1.0.0-pre")]
    [InlineData("x", "0.9.1 2.9.0 0.0.9 1.0.1 1.1.1", "1.0.0-pre")]
    [InlineData("X", "0.9.1 2.9.0 0.0.9 1.0.1 1.1.1", "1.0.0-pre")]
    [InlineData("1.*", "1.2.0 1.2.1 1.1.1 1.3.0", "0.0.9 2.0.0 1.2.0-pre")]
    [InlineData("1.x", "1.2.0 1.2.1 1.1.1 1.3.0", "0.0.9")]
    [InlineData("1.2.*", "1.2.0 1.2.2 1.2.4", "1.9.0 1.0.9 2.0.1 0.1.3")]
    [InlineData("1.2.x", "1.2.0 1.2.2 1.2.4", "1.9.0 1.0.9 2.0.1 0.1.3")]
    public void A_Requirement_Matches_As_The_Semver_Crate_Says(string requirement, string matching, string notMatching)
    {
        var req = VersionRequirement.Parse(requirement);
        foreach (var v in matching.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(req.Matches(SemVersion.Parse(v)), $"'{requirement}' should match {v}");
        }

        foreach (var v in notMatching.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.False(req.Matches(SemVersion.Parse(v)), $"'{requirement}' should not match {v}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("> 0.0.9 <= 2.5.3")]
    [InlineData("=1.2.3 || =2.0.0")]
    [InlineData(">= 1.2.3,")]
    [InlineData("1.*.3")]
    [InlineData(">= 01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("a.b.c")]
    public void Text_That_Is_Not_A_Requirement_Is_Refused(string text) =>
        Assert.False(VersionRequirement.TryParse(text, out _, out _));

    [Fact]
    public void A_Single_Comparator_Also_Applies_The_Prerelease_Rule()
    {
        var c = VersionRequirement.Parse(">= 1.0.0").Comparators.Single();
        Assert.False(c.Matches(SemVersion.Parse("2.0.0-alpha")));
        Assert.True(c.Matches(SemVersion.Parse("2.0.0")));
    }
}
