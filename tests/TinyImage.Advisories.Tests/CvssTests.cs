using Xunit;

namespace TinyImage.Advisories.Tests;

public sealed class CvssTests
{
    // Scores as the FIRST CVSS v3.1 calculator gives them.
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, CvssSeverity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, CvssSeverity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, CvssSeverity.Medium)]
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, CvssSeverity.High)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, CvssSeverity.High)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, CvssSeverity.Medium)]
    [InlineData("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, CvssSeverity.Low)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, CvssSeverity.None)]
    public void A_Version_3_Vector_Gets_Its_Base_Score_And_Severity(string vector, double score, CvssSeverity severity)
    {
        var cvss = Cvss.Parse(vector);
        Assert.Equal(score, cvss.BaseScore);
        Assert.Equal(severity, cvss.Severity);
    }

    [Fact]
    public void A_Version_4_Vector_Is_Kept_With_Unknown_Severity()
    {
        const string Vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N";
        var cvss = Cvss.Parse(Vector);
        Assert.Equal((Vector, "4.0", (double?)null, CvssSeverity.Unknown), (cvss.Vector, cvss.Version, cvss.BaseScore, cvss.Severity));
    }

    [Theory]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:2.0/AV:N")]
    public void A_Malformed_Vector_Is_Refused(string vector) =>
        Assert.Throws<FormatException>(() => Cvss.Parse(vector));
}
