using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.KubeEmulator;
using TinyImage.Oci;
using TinyImage.Operator.IntegrationTests.Registry;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The bounded verification pool's fairness, end to end: four hostile TinyImages in one namespace point at a registry
/// (a loopback server, allow-listed) that sends its manifest one byte at a time, so the real verifier stalls on each of
/// them; a second tenant's TinyImage in another namespace still reaches Ready, while the hostile ones wait in their own
/// queue, and none of them occupies a reconcile worker.
/// </summary>
public sealed class VerificationFairnessTests
{
    private const string Tenant = "other";

    /// <summary>Hostile repositories go to the real verifier (and stall there); the tenant's to the harness's fake.</summary>
    private sealed class RoutingVerifier(IImageVerifier hostile, IImageVerifier tenant, string hostileRegistry) : IImageVerifier
    {
        public Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken) =>
            request.Repository.StartsWith(hostileRegistry, StringComparison.Ordinal) ? hostile.VerifyAsync(request, cancellationToken) : tenant.VerifyAsync(request, cancellationToken);
    }

    [Fact]
    public async Task A_Second_Tenants_TinyImage_Reaches_Ready_While_Four_Hostile_TinyImages_Stall_Their_Own_Verification()
    {
        var connections = 0;
        await using var trickler = await TestWebServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref connections);
            context.Response.ContentType = OciMediaTypes.OciManifest;
            context.Response.ContentLength = 1 << 20;
            await context.Response.StartAsync(context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync("{"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromMilliseconds(200), context.RequestAborted);
            }
        }, "127.0.0.2");
        var hostileRegistry = trickler.BaseUri.Authority;
        await using var h = await StartAsync();
        using var real = new ImageVerifier(
            new ImageVerifierOptions { Client = new RegistryClientOptions { Outbound = OutboundPolicy.Create(["127.0.0.2"]), MaxRetries = 0 } },
            TimeProvider.System,
            NullLogger<ImageVerifier>.Instance);
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        CreateSource(h, Tenant);
        var routing = new RoutingVerifier(real, h.Verifier, hostileRegistry);
        var connection = new TinyImage.Kube.KubeConnection(h.Kube.CreateHttpClient(), h.Kube.BaseAddress) { Identity = "op-fair" };
        var op = new RunningOperator(new Hosting.OperatorHost(connection, routing, FastOptions with { VerifyConcurrency = 2, Policy = FastOptions.Policy with { InsecureRegistries = [.. FastOptions.Policy.InsecureRegistries, hostileRegistry] } }, new Reconciler.ControllerSettings { Instance = "op-fair" }, TimeProvider.System, h.Loggers, "op-fair"), connection);
        try
        {
            // Four hostile TinyImages: one verification runs (stalled on the trickling manifest), three wait in their namespace's queue.
            for (var i = 0; i < 4; i++)
            {
                CreateTinyImage(h, Namespace, "hostile-" + i, $"{hostileRegistry}/hostile/app{i}");
            }

            await Eventually.TrueAsync(
                () => Reasons(h, 4).Count(r => r == Api.V1Alpha1.Conditions.ReasonVerificationQueued) == 3 && Reasons(h, 4).Count(r => r == Api.V1Alpha1.Conditions.ReasonVerificationRunning) == 1,
                "one hostile verification running and three queued",
                () => string.Join(", ", Reasons(h, 4)));

            // The second tenant's TinyImage is verified in the slot its namespace gets, and serves.
            CreateTinyImage(h, Tenant, "tenant", Repository);
            await Eventually.TrueAsync(() => (string?)h.Object2("tinyimage.dev/v1alpha1", "tinyimages", Tenant, "tenant")?["status"]?["phase"] == "Ready", "the tenant's TinyImage Ready");

            Assert.Equal(["Verifying", "Verifying", "Verifying", "Verifying"], Enumerable.Range(0, 4).Select(i => (string?)h.TinyImage("hostile-" + i)?["status"]?["phase"]));
            Assert.Equal(3, Reasons(h, 4).Count(r => r == Api.V1Alpha1.Conditions.ReasonVerificationQueued));
            Assert.Equal(1, Volatile.Read(ref connections));
        }
        finally
        {
            await op.StopAsync();
        }
    }

    private static List<string?> Reasons(OperatorHarness h, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (string?)h.Condition("hostile-" + i, "SbomVerified")?["reason"])];

    private static void CreateSource(OperatorHarness h, string ns)
    {
        var result = h.Kube.Create("v1", "configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "hello-src", ["namespace"] = ns },
            ["data"] = new JsonObject { ["Cargo.toml"] = "[package]\nname = \"hello\"\nversion = \"0.1.0\"\n", ["main.rs"] = "fn main() {}\n" },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static void CreateTinyImage(OperatorHarness h, string ns, string name, string repository)
    {
        var result = h.Kube.Create("tinyimage.dev/v1alpha1", "tinyimages", new JsonObject
        {
            ["apiVersion"] = "tinyimage.dev/v1alpha1",
            ["kind"] = "TinyImage",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["source"] = new JsonObject { ["configMap"] = new JsonObject { ["name"] = "hello-src", ["items"] = new JsonArray(Item("Cargo.toml", "Cargo.toml"), Item("main.rs", "src/main.rs")) } },
                ["binary"] = "hello",
                ["output"] = new JsonObject { ["repository"] = repository, ["insecure"] = true },
            },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static JsonObject Item(string key, string path) => new() { ["key"] = key, ["path"] = path };
}
