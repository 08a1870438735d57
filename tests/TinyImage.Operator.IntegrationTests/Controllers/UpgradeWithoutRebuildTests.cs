using System.Text.Json.Nodes;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.KubeEmulator;
using TinyImage.Kube;
using TinyImage.Operator.Building;
using TinyImage.Operator.Deploying;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Building;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// An operator upgrade starts no build: TinyImages are applied as the previous release (build hash v1, no
/// status.build.inputs) left them, with the children its code made, and the new release, which also pins other default
/// images, runs over them.
/// </summary>
public sealed class UpgradeWithoutRebuildTests
{
    [Fact]
    public async Task TinyImages_Stored_By_The_Previous_Release_Are_Not_Rebuilt_After_The_Upgrade_Until_A_Real_Change()
    {
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        h.CreateTinyImage("hello");
        h.CreateTinyImage("other");
        using var connection = new KubeConnection(h.Kube.CreateHttpClient(), h.Kube.BaseAddress);
        var cluster = new ClusterView(connection);
        var hashes = new Dictionary<string, string>();
        foreach (var name in new[] { "hello", "other" })
        {
            var source = (await cluster.ConfigMaps.GetAsync(Namespace, "hello-src", Ct))!;
            hashes[name] = await StoreAsPreviousReleaseAsync(h, cluster, name, BuildHash.DigestConfigMapData(source.Data, source.BinaryData));
        }

        await Eventually.TrueAsync(() => h.Jobs().All(j => j["status"]?["succeeded"] is not null), "the previous release's Jobs complete");
        h.Kube.Requests.Clear();

        // The upgrade: a new release whose own default images moved to other digests.
        var upgraded = FastOptions with
        {
            BuilderImage = "rust:1-alpine@sha256:" + new string('9', 64),
            KanikoImage = "ghcr.io/osscontainertools/kaniko:v1.29.0-debug@sha256:" + new string('8', 64),
        };
        h.StartOperator(upgraded);
        foreach (var name in hashes.Keys)
        {
            await Eventually.TrueAsync(() => h.TinyImage(name)?["status"]?["build"]?["inputs"] is not null, name + " reconciled by the new release");
            await BuildProvenanceTests.PassAsync(h, name);
            await BuildProvenanceTests.PassAsync(h, name);
        }

        Assert.Equal(0, h.JobCreates());
        Assert.Empty(h.Verifier.Requests);

        // The previous release's Containerfile ConfigMaps go once their (finished) Jobs no longer need them.
        foreach (var (name, hash) in hashes)
        {
            var buildName = ChildMetadata.BuildName(name, hash);
            await Eventually.TrueAsync(() => h.Object2("v1", "configmaps", Namespace, buildName) is null, buildName + " ConfigMap deleted");
        }

        Assert.NotNull(h.Object2("v1", "configmaps", Namespace, "hello-src"));
        foreach (var (name, hash) in hashes)
        {
            var status = h.TinyImage(name)!["status"]!;
            Assert.Equal(("Ready", hash), ((string?)status["phase"], (string?)status["build"]!["specHash"]));
            Assert.Equal(Repository + "@" + Digest('a'), h.DeployedImage(name));
        }

        // A real change rebuilds that TinyImage once, under the new hash, saying why; the other stays.
        h.EditSpec("hello", spec => spec["build"] = new JsonObject { ["noDefaultFeatures"] = true });
        await Eventually.TrueAsync(() => h.JobCreates() == 1, "one build");
        await Eventually.TrueAsync(() => (string?)h.TinyImage("hello")?["status"]?["build"]?["reason"] == "SpecChanged", "the build's reason recorded");
        await h.WaitForPhaseAsync("hello", "Ready");
        Assert.Equal(hashes["other"], (string?)h.TinyImage("other")!["status"]!["build"]!["specHash"]);
        Assert.Equal(1, h.JobCreates());
    }

    /// <summary>
    /// What the previous release left for a Ready TinyImage: its build ConfigMap and the Job mounting it (v1 hash; the Containerfile
    /// without a cargo-auditable version), the SBOM ConfigMap, the Deployment and Service, and its status. Returns the hash.
    /// A ConfigMap source's content digest was part of that hash; a git source's branch was, never its commit.
    /// </summary>
    internal static async Task<string> StoreAsPreviousReleaseAsync(OperatorHarness h, ClusterView cluster, string name, string? sourceDigest)
    {
        var tinyImage = (await cluster.TinyImages.GetAsync(Namespace, name, Ct))!;
        var valid = SpecValidator.Validate(tinyImage).Valid!;
        var hash = BuildHash.Compute(valid, FastOptions, sourceDigest);
        var digest = Digest('a');
        var reference = Repository + "@" + digest;

        var containerfile = PreviousReleaseBuild.ContainerfileConfigMap(valid, hash, FastOptions);
        var text = containerfile.Data[KanikoJobBuilder.ContainerfileKey];
        containerfile.Data[KanikoJobBuilder.ContainerfileKey] = text.Replace(", \"--version\", \"" + FastOptions.CargoAuditableVersion + "\"", "", StringComparison.Ordinal);
        Assert.True((await cluster.ConfigMaps.CreateAsync(containerfile, Ct)).IsOk);
        Assert.True((await cluster.Jobs.CreateAsync(PreviousReleaseBuild.Job(valid, hash, FastOptions), Ct)).IsOk);
        var policy = VerifyReconciler.PolicyKey(valid.Spec, hash, digest);
        Assert.True((await cluster.ConfigMaps.CreateAsync(new k8s.Models.V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.Metadata(tinyImage, VerifyReconciler.SbomConfigMapName(name), ChildMetadata.Labels(tinyImage, "sbom"), new Dictionary<string, string>
            {
                [VerifyReconciler.VerifiedDigestAnnotation] = digest,
                [VerifyReconciler.PolicyAnnotation] = policy,
            }),
            Data = new Dictionary<string, string>(),
        }, Ct)).IsOk);
        Assert.True((await cluster.Deployments.CreateAsync(DeploymentBuilder.Build(valid, reference, hash, FastOptions), Ct)).IsOk);
        Assert.True((await cluster.Services.CreateAsync(ServiceBuilder.Build(valid), Ct)).IsOk);

        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var generation = tinyImage.Metadata.Generation ?? 1;
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = message, ["observedGeneration"] = generation, ["lastTransitionTime"] = now,
        };
        var written = h.Kube.MutateStatus("tinyimage.dev/v1alpha1", "tinyimages", Namespace, name, ti => ti["status"] = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["phase"] = "Ready",
            ["conditions"] = new JsonArray(
                Condition("Ready", "True", "Ready", reference + " is verified and serving"),
                Condition("Reconciling", "False", "Ready", "nothing to do"),
                Condition("Stalled", "False", "Ready", "nothing to do"),
                Condition("Built", "True", "BuildSucceeded", "built " + digest),
                Condition("SbomVerified", "True", "Verified", "verified"),
                Condition("Deployed", "True", "Available", reference + " is rolled out")),
            ["build"] = new JsonObject
            {
                ["jobName"] = ChildMetadata.BuildName(name, hash), ["specHash"] = hash, ["digest"] = digest, ["startTime"] = now, ["completionTime"] = now,
            },
            ["image"] = new JsonObject
            {
                ["reference"] = reference, ["digest"] = digest, ["sizeBytes"] = 1234, ["layerCount"] = 1, ["binary"] = "hello", ["specHash"] = hash,
            },
            ["serving"] = new JsonObject
            {
                ["reference"] = reference, ["digest"] = digest, ["specHash"] = hash, ["binary"] = "hello", ["containerPort"] = 3000,
            },
            ["sbom"] = new JsonObject { ["packageCount"] = 1, ["rootPackage"] = "hello", ["format"] = 1 },
            ["verification"] = new JsonObject
            {
                ["digest"] = digest, ["policyHash"] = policy, ["passed"] = true, ["reason"] = "Verified", ["message"] = "verified",
            },
            ["deployment"] = new JsonObject { ["name"] = name, ["readyReplicas"] = 1 },
        });
        Assert.True(written.IsSuccess, written.Body.ToJsonString());
        return hash;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
