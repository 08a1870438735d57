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

    // Scores from the test vectors of Red Hat's cvss library (tests/vectors_simple4, vectors_threat4,
    // vectors_security4), which follow FIRST's reference calculator; the 1,694 vectors of those files (all but
    // the large random and base sets) were checked against this implementation once, with no difference.
    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2, CvssSeverity.Critical)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9, CvssSeverity.Medium)]
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:H/SC:L/SI:L/SA:L", 5.3, CvssSeverity.Medium)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:L/SI:H/SA:N", 9.0, CvssSeverity.Critical)]
    [InlineData("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:L/SC:L/SI:H/SA:H", 2.3, CvssSeverity.Low)]
    [InlineData("CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:L/SA:L", 7.2, CvssSeverity.High)]
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:A/VC:H/VI:N/VA:N/SC:L/SI:N/SA:N", 4.1, CvssSeverity.Medium)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 5.7, CvssSeverity.Medium)] // 5.65 rounds up
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H", 5.0, CvssSeverity.Medium)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1, CvssSeverity.Medium)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", 7.3, CvssSeverity.High)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/S:N/AU:N/R:A/V:D/RE:L/U:Amber", 0.0, CvssSeverity.None)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, CvssSeverity.Critical)]
    public void A_Version_4_Vector_Gets_The_Reference_Calculators_Score(string vector, double score, CvssSeverity severity)
    {
        var cvss = Cvss.Parse(vector);
        Assert.Equal(("4.0", (double?)score, severity), (cvss.Version, cvss.BaseScore, cvss.Severity));
    }

    [Theory]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:2.0/AV:N")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q")]
    public void A_Malformed_Vector_Is_Refused(string vector) =>
        Assert.Throws<FormatException>(() => Cvss.Parse(vector));
}
