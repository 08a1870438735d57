using System.Text;
using TinyImage.Sbom;
using TinyImage.Operator.Verification;
using Xunit;

namespace TinyImage.Operator.Tests.Verification;

public sealed class SbomPolicyEvaluatorTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static SbomOutcome<AuditData> Sbom() =>
        AuditJsonParser.Parse(Encoding.UTF8.GetBytes(
            """{"packages":[{"name":"openssl-sys","version":"0.9.100","source":"crates.io"},{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"},{"name":"hello","version":"0.1.0","source":"local","dependencies":[0,1],"root":true}]}"""));

    private static ImageFacts Image(long size = 1000, params string[] others) => new("registry.test:5000/team/hello", Digest, size, 1, others);

    [Fact]
    public void Policy_Passes_A_Clean_Sbom_With_Summary_And_CycloneDx()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default, Sbom(), Image());

        Assert.True(result.Passed);
        Assert.Equal(VerificationReasons.Verified, result.Reason);
        Assert.Equal(new SbomSummary(3, "hello 0.1.0", 0), result.Sbom);
        Assert.NotNull(result.CycloneDxJson);
        Assert.Equal(1000, result.ImageSizeBytes);
        Assert.Equal(1, result.LayerCount);
    }

    [Fact]
    public void Policy_Fails_A_Missing_Sbom_Only_When_Required()
    {
        var missing = SbomOutcome<AuditData>.Fail(SbomError.NoAuditData, "no section");

        var required = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default, missing, null);
        var optional = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { RequireSbom = false }, missing, null);

        Assert.False(required.Passed);
        Assert.Equal(VerificationReasons.SbomMissing, required.Reason);
        Assert.True(optional.Passed);
        Assert.Null(optional.Sbom);
        Assert.Null(optional.CycloneDxJson);
    }

    [Fact]
    public void Policy_Always_Fails_A_Malformed_Sbom_Naming_The_Error()
    {
        var broken = SbomOutcome<AuditData>.Fail(SbomError.DependencyCycle, "a -> a");

        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { RequireSbom = false }, broken, null);

        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.SbomMalformed, result.Reason);
        Assert.Contains("DependencyCycle", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openssl-sys")]
    [InlineData("openssl_sys")]
    [InlineData("OpenSSL-Sys")]
    public void Policy_Denies_Packages_Under_Cargo_Name_Normalisation(string deny)
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { DenyPackages = [deny] }, Sbom(), null);

        Assert.False(result.Passed);
        Assert.Equal(VerificationReasons.PackageDenied, result.Reason);
        Assert.Contains("openssl-sys 0.9.100", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_Does_Not_Deny_A_Different_Crate()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { DenyPackages = ["openssl", "ring"] }, Sbom(), null);

        Assert.True(result.Passed, result.Message);
    }

    [Fact]
    public void Policy_Names_Every_Denied_Package()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { DenyPackages = ["cc", "openssl-sys"] }, Sbom(), null);

        Assert.Contains("openssl-sys 0.9.100", result.Message, StringComparison.Ordinal);
        Assert.Contains("cc 1.0.0", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_Checks_The_Expected_Root_Package()
    {
        var wrong = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { ExpectedRootPackage = "other" }, Sbom(), null);
        var right = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { ExpectedRootPackage = "hello" }, Sbom(), null);

        Assert.Equal(VerificationReasons.RootPackageMismatch, wrong.Reason);
        Assert.Contains("hello 0.1.0", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("other", wrong.Message, StringComparison.Ordinal);
        Assert.True(right.Passed);
    }

    [Fact]
    public void Policy_Fails_An_Image_Over_The_Size_Limit_With_Both_Sizes()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { MaxImageSizeBytes = 4096 }, Sbom(), Image(size: 5000));

        Assert.Equal(VerificationReasons.ImageTooLarge, result.Reason);
        Assert.Contains("5000", result.Message, StringComparison.Ordinal);
        Assert.Contains("4096", result.Message, StringComparison.Ordinal);
        Assert.True(SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { MaxImageSizeBytes = 5000 }, Sbom(), Image(size: 5000)).Passed);
    }

    [Fact]
    public void Policy_Fails_A_Non_Scratch_Image_Naming_The_Extra_Files()
    {
        var result = SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { ScratchOnly = true }, Sbom(), Image(1000, "/etc/passwd", "/bin/sh"));

        Assert.Equal(VerificationReasons.NotScratchOnly, result.Reason);
        Assert.Contains("/etc/passwd", result.Message, StringComparison.Ordinal);
        Assert.Contains("/bin/sh", result.Message, StringComparison.Ordinal);
        Assert.True(SbomPolicyEvaluator.Evaluate(VerifyPolicy.Default with { ScratchOnly = true }, Sbom(), Image()).Passed);
    }

    [Fact]
    public void Policy_Reports_The_First_Failure_As_Reason_And_All_In_The_Message()
    {
        var policy = new VerifyPolicy(true, ["cc"], 10, true, "other");

        var result = SbomPolicyEvaluator.Evaluate(policy, Sbom(), Image(1000, "/etc/passwd"));

        Assert.Equal(VerificationReasons.PackageDenied, result.Reason);
        Assert.Contains("other", result.Message, StringComparison.Ordinal);
        Assert.Contains("1000", result.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/passwd", result.Message, StringComparison.Ordinal);
    }
}
