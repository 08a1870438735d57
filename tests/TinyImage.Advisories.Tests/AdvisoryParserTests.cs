using Xunit;

namespace TinyImage.Advisories.Tests;

public sealed class AdvisoryParserTests
{
    private const string Example = """
        ```toml
        [advisory]
        id = "RUSTSEC-0000-0000"
        package = "crate-name"
        date = "2020-01-31"
        url = "https://example.com"
        informational = "unsound"
        categories = ["code-execution", "privilege-escalation"]
        cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        keywords = ["example"]
        aliases = ["CVE-2020-0001", "GHSA-xxxx-yyyy-zzzz"]
        related = ["RUSTSEC-0000-0001"]

        [affected]
        arch = ["x86"]
        os = ["windows"]

        [affected.functions]
        "crate_name::MyStruct::vulnerable_fn" = [">= 1.3.0, < 1.3.4"]

        [versions]
        patched = [
            ">= 1.2.3, < 1.3.0", # a comment
            ">= 1.3.4",
        ]
        unaffected = ["<= 0.1.2"]
        ```

        # Advisory Title Goes Here

        Body.
        """;

    [Fact]
    public void Every_Field_Of_The_Example_Advisory_Is_Read()
    {
        var a = AdvisoryParser.Parse(Example, AdvisoryCollection.Crates, "EXAMPLE.md");
        Assert.Equal(("RUSTSEC-0000-0000", "crate-name", "2020-01-31", "https://example.com"), (a.Id, a.Package, a.Date, a.Url));
        Assert.Equal("Advisory Title Goes Here", a.Title);
        Assert.Equal((InformationalKind.Unsound, "unsound"), (a.Informational, a.InformationalText));
        Assert.Equal(["code-execution", "privilege-escalation"], a.Categories);
        Assert.Equal(["CVE-2020-0001", "GHSA-xxxx-yyyy-zzzz"], a.Aliases);
        Assert.Equal(["RUSTSEC-0000-0001"], a.Related);
        Assert.Equal(["example"], a.Keywords);
        Assert.Equal((9.8, CvssSeverity.Critical), (a.Cvss!.BaseScore, a.Severity));
        Assert.Equal(["x86"], a.AffectedArch);
        Assert.Equal(["windows"], a.AffectedOs);
        Assert.Equal(">= 1.3.0, < 1.3.4", Assert.Single(a.AffectedFunctions["crate_name::MyStruct::vulnerable_fn"]).Text);
        Assert.Equal([">= 1.2.3, < 1.3.0", ">= 1.3.4"], a.Patched.Select(r => r.Text));
        Assert.Equal(["<= 0.1.2"], a.Unaffected.Select(r => r.Text));
        Assert.False(a.IsWithdrawn);
    }

    [Theory]
    [InlineData("0.1.2", false)] // unaffected
    [InlineData("0.1.3", true)]
    [InlineData("1.2.2", true)]
    [InlineData("1.2.3", false)] // patched
    [InlineData("1.2.9", false)]
    [InlineData("1.3.0", true)]
    [InlineData("1.3.3", true)]
    [InlineData("1.3.4", false)]
    [InlineData("2.0.0", false)]
    [InlineData("1.3.4-rc.1", true)] // a pre-release satisfies no requirement that does not name one
    public void A_Version_Is_Affected_Unless_It_Is_Patched_Or_Unaffected(string version, bool affected) =>
        Assert.Equal(affected, AdvisoryParser.Parse(Example, AdvisoryCollection.Crates, "x").Affects(SemVersion.Parse(version)));

    [Fact]
    public void A_Withdrawn_Advisory_Affects_No_Version()
    {
        var a = AdvisoryParser.Parse(Example.Replace("url =", "withdrawn = \"2021-01-01\"\nurl =", StringComparison.Ordinal), AdvisoryCollection.Crates, "x");
        Assert.Equal("2021-01-01", a.Withdrawn);
        Assert.False(a.Affects(SemVersion.Parse("1.3.0")));
    }

    [Fact]
    public void A_File_With_Windows_Line_Ends_A_Byte_Order_Mark_And_A_TOML_Date_Parses()
    {
        var text = "\uFEFF```toml\r\n[advisory]\r\nid = \"RUSTSEC-2020-0001\"\r\npackage = \"p\"\r\ndate = 2020-01-31\r\n"
            + "[versions]\r\npatched = [\"^1.2\"]\r\n```\r\n\r\n# The title\r\n\r\nBody.\r\n";

        var a = AdvisoryParser.Parse(text, AdvisoryCollection.Crates, "x");

        Assert.Equal(("RUSTSEC-2020-0001", "2020-01-31", "The title"), (a.Id, a.Date, a.Title));
        Assert.False(a.Affects(SemVersion.Parse("1.3.0")));
        Assert.True(a.Affects(SemVersion.Parse("2.0.0")));
    }

    [Theory]
    [InlineData("# no front matter", "does not open")]
    [InlineData("```toml\n[advisory]\nid = \"X\"\n", "not closed")]
    [InlineData("```toml\n[advisory]\nid = \"X\"\npackage = \"p\"\n```\n", "'date' is missing")]
    [InlineData("```toml\n[advisory]\nid = \"X\"\nid = \"Y\"\n```\n", "duplicate TOML key 'id'")]
    [InlineData("```toml\n[advisory]\nid = \"X\"\npackage = \"p\"\ndate = \"2020-01-01\"\n[versions]\npatched = [\">= 1.0.0 2\"]\n```\n", "is not a version requirement")]
    [InlineData("```toml\n[advisory]\nid = \"X\n```\n", "")]
    [InlineData("```toml\n[advisory]\nid = 5\n```\n", "'id' is not a string")]
    public void A_Malformed_Advisory_Is_Refused_Naming_The_File(string text, string reason)
    {
        var e = Assert.Throws<AdvisoryFormatException>(() => AdvisoryParser.Parse(text, AdvisoryCollection.Crates, "crates/p/RUSTSEC-9999-0001.md"));
        Assert.StartsWith("crates/p/RUSTSEC-9999-0001.md: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
