using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api.Tests;

/// <summary>The validator's checks of <c>spec.verify.advisories</c>: ids, dates, enums, the ignore list's size.</summary>
public sealed class AdvisoriesSpecValidationTests
{
    private static TinyImageResource With(AdvisoriesSpec advisories) => new()
    {
        Metadata = new() { Name = "hello", NamespaceProperty = "demo" },
        Spec = new TinyImageSpec
        {
            Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "src" } },
            Binary = "hello",
            Output = new OutputSpec { Repository = "registry.example/team/hello" },
            Verify = new VerifySpec { Advisories = advisories },
        },
    };

    private static IReadOnlyList<FieldError> Errors(AdvisoriesSpec advisories) => SpecValidator.Validate(With(advisories)).Errors;

    [Fact]
    public void A_Full_Advisory_Policy_Is_Valid()
    {
        var errors = Errors(new AdvisoriesSpec
        {
            Action = AdvisoriesSpec.ActionDeny,
            Informational = true,
            MinSeverity = "high",
            Ignore = [new AdvisoryIgnoreSpec { Id = "RUSTSEC-2019-0024", Until = "2031-04-01", Reason = "not reachable" }, new AdvisoryIgnoreSpec { Id = "RUSTSEC-2020-0001" }],
        });

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("RUSTSEC-2019-24")]
    [InlineData("CVE-2019-0024")]
    [InlineData("rustsec-2019-0024")]
    [InlineData("RUSTSEC-2019-0024 ")]
    [InlineData("")]
    public void An_Ignore_Id_That_Is_Not_A_RustSec_Id_Is_Refused(string id)
    {
        var errors = Errors(new AdvisoriesSpec { Ignore = [new AdvisoryIgnoreSpec { Id = id }] });

        Assert.Contains(errors, e => e.Path == "spec.verify.advisories.ignore[0].id");
    }

    [Theory]
    [InlineData("2031-02-30")]
    [InlineData("2031-13-01")]
    [InlineData("31-04-01")]
    [InlineData("2031-4-1")]
    [InlineData("2031-04-01T00:00:00Z")]
    public void An_Until_That_Is_Not_A_Calendar_Date_Is_Refused(string until)
    {
        var errors = Errors(new AdvisoriesSpec { Ignore = [new AdvisoryIgnoreSpec { Id = "RUSTSEC-2019-0024", Until = until }] });

        Assert.Contains(errors, e => e.Path == "spec.verify.advisories.ignore[0].until");
    }

    [Theory]
    [InlineData("Block", null)]
    [InlineData("Deny", "severe")]
    public void An_Unknown_Action_Or_Severity_Is_Refused(string action, string? minSeverity)
    {
        var errors = Errors(new AdvisoriesSpec { Action = action, MinSeverity = minSeverity });

        Assert.Single(errors);
        Assert.StartsWith("spec.verify.advisories.", errors[0].Path, StringComparison.Ordinal);
        Assert.Contains("must be one of", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_Than_64_Ignore_Entries_Are_Refused()
    {
        var ignore = Enumerable.Range(0, 65).Select(i => new AdvisoryIgnoreSpec { Id = $"RUSTSEC-2020-{i:0000}" }).ToList();

        var error = Assert.Single(Errors(new AdvisoriesSpec { Ignore = ignore }));

        Assert.Equal("spec.verify.advisories.ignore", error.Path);
    }
}
