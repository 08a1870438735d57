using Microsoft.Extensions.Logging.Abstractions;
using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Building;
using TinyImage.Operator.IntegrationTests.Registry;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// A builder image named by tag in a real docker-registry: the operator resolves it with a manifest HEAD (outbound policy
/// allowing 127.0.0.1), builds it by digest, and, with spec.build.rebuildOnToolchainUpdate, rebuilds once when the tag
/// moves and the daily check comes round (the operator's clock moved forward by a day).
/// </summary>
public sealed class ToolchainUpdateTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_New_Digest_For_The_Builder_Tag_Rebuilds_Once_At_The_Daily_Check_With_Reason_NewToolchain()
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        var builderTag = registry.Host + "/tools/rust:1-alpine";
        var first = await BinaryImage("cargo", [1, 2, 3]).PushAsync(client, registry.Ref("tools/rust"), "1-alpine", Ct);

        await using var h = await StartAsync();
        var builds = 0;
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest(Interlocked.Increment(ref builds) == 1 ? 'a' : 'b'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        var clock = new ShiftedTimeProvider();
        using var resolver = new RegistryToolchainResolver(LoopbackAllowed.Options, clock, NullLogger.Instance);
        h.StartOperator(FastOptions with { Policy = FastOptions.Policy with { AllowedBuilderImages = [builderTag] } }, time: clock, toolchain: resolver); // the admin policy allows the tag

        // Step 1: the first build uses the digest the tag names now, and status says so.
        h.CreateTinyImage("hello", build: new JsonObject { ["builderImage"] = builderTag, ["rebuildOnToolchainUpdate"] = true });
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal((first, "FirstBuild"), (BuilderDigest(h), Reason(h)));
        var containerfile = (string?)h.JobFor("hello")!["spec"]!["template"]!["metadata"]!["annotations"]!["tinyimage.dev/containerfile"];
        Assert.Contains("FROM " + builderTag + "@" + first + " AS chef", containerfile, StringComparison.Ordinal);

        // Step 2: the tag moves; an hour later nothing is rebuilt (the check is daily).
        var second = await BinaryImage("cargo", [4, 5, 6]).PushAsync(client, registry.Ref("tools/rust"), "1-alpine", Ct);
        Assert.NotEqual(first, second);
        clock.Advance(TimeSpan.FromHours(1));
        await BuildProvenanceTests.PassAsync(h);
        Assert.Equal(1, h.JobCreates());

        // Step 3: a day later the check finds the new digest and rebuilds, once, saying why.
        clock.Advance(TimeSpan.FromHours(24));
        await BuildProvenanceTests.PassAsync(h);
        await Eventually.TrueAsync(() => h.JobCreates() == 2, "a second build", () => h.TinyImage("hello")?["status"]?["build"]?.ToJsonString() ?? "");
        await Eventually.TrueAsync(() => h.DeployedImage("hello") == Repository + "@" + Digest('b'), "the rebuilt image deployed");
        Assert.Equal((second, "NewToolchain"), (BuilderDigest(h), Reason(h)));
        clock.Advance(TimeSpan.FromHours(25));
        await BuildProvenanceTests.PassAsync(h);
        await BuildProvenanceTests.PassAsync(h);
        Assert.Equal(2, h.JobCreates());
    }

    private static string? BuilderDigest(OperatorHarness h) =>
        (string?)h.TinyImage("hello")?["status"]?["build"]?["toolchain"]?.AsArray().FirstOrDefault(t => (string?)t?["role"] == "builder")?["digest"];

    private static string? Reason(OperatorHarness h) => (string?)h.TinyImage("hello")?["status"]?["build"]?["reason"];
}
