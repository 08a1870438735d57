using System.Globalization;
using System.Text;
using TinyImage.Operator.Verification;
using TinyImage.Sbom;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Verification;

/// <summary>The package flood: an SBOM too large to keep, refused with a named reason instead of a ConfigMap the API rejects.</summary>
public sealed class SbomBudgetTests
{
    private static SbomOutcome<AuditData> Sbom(int packages, int nameLength)
    {
        var json = new StringBuilder("{\"packages\":[");
        for (var i = 0; i < packages; i++)
        {
            json.Append("{\"name\":\"").Append('p', nameLength).Append(i.ToString(CultureInfo.InvariantCulture)).Append("\",\"version\":\"1.0.0\",\"source\":\"crates.io\"},");
        }

        json.Append("{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true}]}");
        var sbom = AuditDataDecoder.Decode(SyntheticBinaries.Zlib(json.ToString()));
        Assert.True(sbom.IsSuccess, sbom.IsSuccess ? null : sbom.Failure.Message);
        return sbom;
    }

    [Fact]
    public void Package_Flood_Over_The_Package_Cap_Is_Refused_As_SbomTooLarge_Without_A_CycloneDx_Document()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default, Sbom(SbomPolicyEvaluator.MaxPackages + 1, 4), null);

        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.SbomTooLarge, result.Reason);
        Assert.Contains("10002 packages, over the limit of 10000", result.Message, StringComparison.Ordinal);
        Assert.Null(result.CycloneDxJson);
    }

    [Fact]
    public void Sbom_Whose_CycloneDx_Would_Not_Fit_A_ConfigMap_Is_Refused_As_SbomTooLarge()
    {
        // Under the package cap, but long names make the document larger than a ConfigMap holds.
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default, Sbom(9_000, 50), null);

        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.SbomTooLarge, result.Reason);
        Assert.Contains("the SBOM ConfigMap can hold", result.Message, StringComparison.Ordinal);
        Assert.Null(result.CycloneDxJson);
        Assert.False(VerificationReasons.IsTransient(result.Reason));
    }

    [Fact]
    public void Sbom_Under_Both_Caps_Passes_With_Its_Document()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default, Sbom(500, 10), null);

        Assert.True(result.Passed, result.Message);
        Assert.InRange(Encoding.UTF8.GetByteCount(result.CycloneDxJson!), 1, SbomPolicyEvaluator.MaxCycloneDxBytes);
    }
}
