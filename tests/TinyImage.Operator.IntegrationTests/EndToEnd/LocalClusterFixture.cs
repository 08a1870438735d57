using Xunit;

namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>One <see cref="LocalCluster"/> for the scenario class (namespaces keep its tests apart), with the CRD applied by kubectl.</summary>
public sealed class LocalClusterFixture : IAsyncLifetime
{
    /// <summary>TinyImages whose build uses a particular fixture binary instead of the default rule (a different source project).</summary>
    internal static readonly IReadOnlyDictionary<string, string> Prebuilt = new Dictionary<string, string> { ["hello-denied"] = "hello-service-denied" };

    private readonly string _directory = Directory.CreateTempSubdirectory("tinyimage-e2e-").FullName;

    internal LocalCluster? Cluster { get; private set; }

    internal string? SkipReason { get; private set; }

    internal string? CrdApplyOutput { get; private set; }

    internal LocalCluster Require()
    {
        if (Cluster is null)
        {
            Assert.Skip(SkipReason ?? "the local cluster did not start");
        }

        return Cluster;
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        SkipReason = await LocalCluster.MissingPrerequisiteAsync(_directory, ct);
        if (SkipReason is not null)
        {
            return;
        }

        Cluster = await LocalCluster.StartAsync(_directory, Prebuilt, ct);
        var crd = await Cluster.KubectlAsync(ct, "apply", "-f", Testing.RepoPaths.Repo("config", "crd", "bases", "tinyimage.dev_tinyimages.yaml"));
        if (!crd.Succeeded)
        {
            await Cluster.DisposeAsync();
            Cluster = null;
            throw new InvalidOperationException(crd.Describe());
        }

        CrdApplyOutput = crd.Stdout.Trim();
        Cluster.StartOperator();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Environment.GetEnvironmentVariable("TINYIMAGE_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // podman may still hold a file for a moment; the OS cleans temp
            }
            catch (UnauthorizedAccessException)
            {
                // same
            }
        }
    }
}
