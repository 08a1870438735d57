using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>
/// Proves the shipped scenario catches an operator that writes to its read-only root filesystem: installed from the chart
/// with its temporary directory on the image's <c>/tmp</c>, the operator cannot verify any image, and says why.
/// </summary>
[Collection(nameof(LocalCluster))]
public sealed class ScratchlessOperatorScenarioTests(ScratchlessClusterFixture fixture) : IClassFixture<ScratchlessClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_Its_Temp_Dir_On_The_Read_Only_Root_The_Operator_Reports_ScratchSpaceUnavailable_And_Deploys_Nothing()
    {
        var cluster = fixture.Require();
        const string ns = "noscratch";
        await EndToEndScenarioTests.ArrangeNamespaceAsync(cluster, ns);

        await EndToEndScenarioTests.ApplyAsync(cluster, Manifests.TinyImage(ns, "hello", cluster.Registry.Host));

        (string Status, string? Reason, string? Message)? verified = null;
        await Eventually.HoldsAsync(async () =>
        {
            await EndToEndScenarioTests.AssertOperatorRunsAsync(cluster);
            verified = cluster.Condition(ns, "hello", "SbomVerified");
            return verified?.Message?.Contains("ScratchSpaceUnavailable", StringComparison.Ordinal) == true;
        }, "verification fails with ScratchSpaceUnavailable", Ct, attempts: 600, () => cluster.Diagnostics() + "\nstatus: " + cluster.TinyImage(ns, "hello")?["status"]?.ToJsonString());
        TestContext.Current.TestOutputHelper?.WriteLine("SbomVerified: " + verified);

        Assert.NotEqual("True", verified!.Value.Status);
        Assert.Contains("/tmp", verified.Value.Message, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", verified.Value.Message, StringComparison.Ordinal);
        Assert.NotEqual("Ready", (string?)cluster.TinyImage(ns, "hello")!["status"]?["phase"]);
        Assert.Null(cluster.DeployedImage(ns, "hello"));
        Assert.DoesNotContain(cluster.StandIns.Kubelet.Rollouts, r => r.Namespace == ns);
    }
}
