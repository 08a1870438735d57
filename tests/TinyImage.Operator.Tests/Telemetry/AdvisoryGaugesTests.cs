using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Telemetry;
using Xunit;

namespace TinyImage.Operator.Tests.Telemetry;

public sealed class AdvisoryGaugesTests
{
    [Fact]
    public void Each_Audited_TinyImage_Has_One_Series_Per_Severity_And_Leaves_The_Scrape_When_Removed_Or_When_Its_Controller_Clears_Its_Own()
    {
        var key = new ObjectKey("gauges-" + Guid.NewGuid().ToString("n")[..8], "hello");
        using var collector = PrometheusCollector.ForOperator();

        var owner = new object();
        AdvisoryGauges.Set(owner, key, new AdvisorySummary { Critical = 2, Unknown = 1 });
        AdvisoryGauges.Set(new object(), key with { Name = "other" }, new AdvisorySummary { High = 1 });
        var scraped = collector.Scrape();
        AdvisoryGauges.Clear(owner);
        var afterRemovalOfOne = collector.Scrape();
        AdvisoryGauges.Remove(key with { Name = "other" });
        var afterRemoval = collector.Scrape();

        Assert.Contains($"tinyimage_advisories{{name=\"hello\",namespace=\"{key.Namespace}\",severity=\"critical\"}} 2\n", scraped, StringComparison.Ordinal);
        Assert.Contains($"tinyimage_advisories{{name=\"hello\",namespace=\"{key.Namespace}\",severity=\"unknown\"}} 1\n", scraped, StringComparison.Ordinal);
        Assert.Contains($"tinyimage_advisories{{name=\"hello\",namespace=\"{key.Namespace}\",severity=\"high\"}} 0\n", scraped, StringComparison.Ordinal);
        Assert.DoesNotContain($"name=\"hello\",namespace=\"{key.Namespace}\"", afterRemovalOfOne, StringComparison.Ordinal);
        Assert.Contains($"tinyimage_advisories{{name=\"other\",namespace=\"{key.Namespace}\",severity=\"high\"}} 1\n", afterRemovalOfOne, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Namespace!, afterRemoval, StringComparison.Ordinal);
    }
}
