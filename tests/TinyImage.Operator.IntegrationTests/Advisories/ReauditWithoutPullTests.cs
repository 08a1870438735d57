using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.KubeEmulator;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Operator.IntegrationTests.Registry;
using TinyImage.Operator.Telemetry;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Oci.Tests.TestImageBuilder;
using Eventually = TinyImage.Operator.IntegrationTests.Controllers.Eventually;

namespace TinyImage.Operator.IntegrationTests.Advisories;

/// <summary>
/// Issue 13's evidence for the re-audit: the operator fetches the real RustSec snapshot as a tar.gz over HTTPS (a test CA's
/// certificate), verifies and deploys an image of the fixture <c>rustsec__binary-with-vuln</c> from a real docker-registry
/// (through a proxy that logs every request), then the HTTPS server starts serving a changed database with one more
/// advisory for the deployed crate. The TinyImage gets Vulnerable, a Warning Event and the metric; the registry gets no
/// request; Ready stays True and the Deployment keeps its image.
/// </summary>
public sealed class ReauditWithoutPullTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>
{
    private const string Name = "reaudited";
    private const string NewAdvisory = "RUSTSEC-2099-0001";

    [Fact]
    public async Task A_Changed_Database_Marks_The_Serving_Image_Vulnerable_With_An_Event_And_A_Metric_Without_Any_Registry_Request()
    {
        if (RepoPaths.AdvisoryDb is not { } snapshot)
        {
            Assert.Skip("The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.");
            return;
        }

        registry.SkipIfUnavailable();
        var ct = TestContext.Current.CancellationToken;

        // The image, pushed straight to the registry; the operator reaches it only through the logging proxy.
        var image = BinaryImage("hello", AuditFixtures.Bytes("rustsec__binary-with-vuln"));
        string digest;
        using (var client = registry.Client())
        {
            digest = await image.PushAsync(client, registry.Ref("team/reaudited"), "v1", ct);
        }

        await using var proxy = await TamperingProxy.StartAsync(new Uri($"http://{registry.Host}/"));
        proxy.TamperBlobs = false;
        var repository = proxy.Host + "/team/reaudited";

        // The database server: the snapshot now, a changed copy later (an extra advisory file written to a temp folder).
        var extra = Directory.CreateTempSubdirectory("advisory-extra-");
        try
        {
            var served = new Served(Archive(snapshot, null), "\"snapshot\"");
            using var pki = new TestPki();
            await using var server = await StartHttpsAsync(pki, () => served, ct);
            var handler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == pki.Server.GetCertHashString() },
            };
            var holder = new AdvisoryDatabaseHolder();
            using var refresher = new AdvisoryDatabaseRefresher(holder, server.Url, TimeSpan.FromMilliseconds(200), TimeProvider.System, NullLogger.Instance, handler);
            using var stopRefresher = CancellationTokenSource.CreateLinkedTokenSource(ct);
            AdvisoryDatabaseStatus.Register(refresher);
            var refreshing = Task.Run(() => refresher.RunAsync(stopRefresher.Token), CancellationToken.None);
            using var verifier = new ImageVerifier(new ImageVerifierOptions { Advisories = holder, Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
            using var collector = PrometheusCollector.ForOperator();

            await using var h = await OperatorHarness.StartAsync();
            h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => digest);
            h.Kube.Deployments.AutoReady = true;
            h.CreateSource();
            await Eventually.TrueAsync(() => holder.Current is not null, "the operator loaded the snapshot over HTTPS", () => refresher.LastError ?? "");
            var before = holder.Current!;

            // Deny, with the snapshot's one finding for this crate ignored: the image verifies, deploys and is not vulnerable.
            // The proxy speaks plain HTTP: the admin policy allows it to be insecure.
            var running = h.StartOperator(OperatorHarness.FastOptions with { Policy = OperatorHarness.FastOptions.Policy with { InsecureRegistries = [proxy.Host] } }, verifier: verifier);
            CreateTinyImage(h, repository);
            await h.WaitForPhaseAsync(Name, "Ready");
            await Eventually.TrueAsync(() => (string?)Condition(h, "Vulnerable")?["reason"] == "NoKnownAdvisories", "Vulnerable False NoKnownAdvisories", () => Status(h));
            Assert.Equal("False", (string?)Condition(h, "Vulnerable")!["status"]);
            var deployed = DeployedImage(h);
            Assert.Equal(repository + "@" + digest, deployed);
            var pullsBefore = proxy.Requests;
            Assert.Contains(pullsBefore, r => r.StartsWith("GET /v2/team/reaudited/blobs/", StringComparison.Ordinal));
            var verifierPulls = verifier.Pulls;
            Assert.Equal(0, running.Host.Controller.ReauditEnqueued);

            // The database changes: one more advisory for rustsec-example-crate 0.0.1, critical.
            var crate = Directory.CreateDirectory(Path.Combine(extra.FullName, "crates", "rustsec-example-crate")).FullName;
            await System.IO.File.WriteAllTextAsync(Path.Combine(crate, NewAdvisory + ".md"), """
                ```toml
                [advisory]
                id = "RUSTSEC-2099-0001"
                package = "rustsec-example-crate"
                date = "2099-01-01"
                cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

                [versions]
                patched = [">= 1.0.0"]
                ```

                # A test advisory added to the snapshot
                """.Replace("\r\n", "\n", StringComparison.Ordinal), ct);
            served = new Served(Archive(snapshot, extra.FullName), "\"changed\"");
            await Eventually.TrueAsync(() => holder.Current?.Revision != before.Revision, "the operator fetched the changed database", () => refresher.LastError ?? "");
            var after = holder.Current!;

            // One re-audit pass for the new revision enqueues the TinyImage (its status no longer says what its audit says).
            await Eventually.TrueAsync(() => running.Host.Controller.ReauditEnqueued >= 1, "the re-audit enqueued the TinyImage", () => "passes " + running.Host.Controller.ReauditPasses);

            await Eventually.TrueAsync(() => (string?)Condition(h, "Vulnerable")?["status"] == "True", "Vulnerable True", () => Status(h));
            var vulnerable = Condition(h, "Vulnerable")!;
            Assert.Equal("AdvisoriesFound", (string?)vulnerable["reason"]);
            Assert.Contains(NewAdvisory + " rustsec-example-crate 0.0.1 (patched: >= 1.0.0)", (string?)vulnerable["message"], StringComparison.Ordinal);
            Assert.DoesNotContain("RUSTSEC-2019-0024", (string?)vulnerable["message"], StringComparison.Ordinal);
            await Eventually.TrueAsync(
                () => (string?)h.TinyImage(Name)?["status"]?["sbom"]?["advisories"]?["databaseRevision"] == after.Revision,
                "status.sbom.advisories checked against the changed database",
                () => Status(h));
            var summary = h.TinyImage(Name)!["status"]!["sbom"]!["advisories"]!;
            Assert.Equal((1, 1), ((int?)summary["critical"], (int?)summary["notCounted"]));
            await Eventually.TrueAsync(
                () => h.Kube.List("events.k8s.io/v1", "events", OperatorHarness.Namespace).Any(e =>
                    (string?)e["regarding"]?["name"] == Name && (string?)e["reason"] == "AdvisoriesFound" && (string?)e["type"] == "Warning"
                    && ((string?)e["note"])?.Contains(NewAdvisory, StringComparison.Ordinal) == true),
                "a Warning Event AdvisoriesFound naming the new advisory");
            var metrics = collector.Scrape();
            Assert.Contains($"tinyimage_advisories{{name=\"{Name}\",namespace=\"{OperatorHarness.Namespace}\",severity=\"critical\"}} 1\n", metrics, StringComparison.Ordinal);
            Assert.Matches(new System.Text.RegularExpressions.Regex("^tinyimage_advisory_db_age_seconds [0-9]", System.Text.RegularExpressions.RegexOptions.Multiline), metrics);

            // Nothing was pulled, nothing was torn down: the registry saw no request after the change, Ready stays True.
            Assert.Equal(pullsBefore, proxy.Requests);
            Assert.Equal(verifierPulls, verifier.Pulls);
            Assert.Equal("True", (string?)Condition(h, "Ready")?["status"]);
            Assert.Equal("Ready", h.Phase(Name));
            Assert.Equal(deployed, DeployedImage(h));

            await stopRefresher.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => refreshing);
        }
        finally
        {
            extra.Delete(recursive: true);
        }
    }

    private static void CreateTinyImage(OperatorHarness h, string repository)
    {
        JsonObject Item(string key, string path) => new() { ["key"] = key, ["path"] = path };
        var result = h.Kube.Create("tinyimage.dev/v1alpha1", "tinyimages", new JsonObject
        {
            ["apiVersion"] = "tinyimage.dev/v1alpha1",
            ["kind"] = "TinyImage",
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = OperatorHarness.Namespace },
            ["spec"] = new JsonObject
            {
                ["source"] = new JsonObject { ["configMap"] = new JsonObject { ["name"] = "hello-src", ["items"] = new JsonArray(Item("Cargo.toml", "Cargo.toml"), Item("main.rs", "src/main.rs")) } },
                ["binary"] = "hello",
                ["output"] = new JsonObject { ["repository"] = repository, ["insecure"] = true },
                ["verify"] = new JsonObject
                {
                    ["advisories"] = new JsonObject
                    {
                        ["action"] = "Deny",
                        ["ignore"] = new JsonArray(new JsonObject { ["id"] = "RUSTSEC-2019-0024", ["reason"] = "the example crate's known advisory" }),
                    },
                },
            },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static JsonObject? Condition(OperatorHarness h, string type) => h.Condition(Name, type);

    private static string? DeployedImage(OperatorHarness h) => h.DeployedImage(Name);

    private static string Status(OperatorHarness h) => h.TinyImage(Name)?["status"]?.ToJsonString() ?? "";

    /// <summary>The snapshot (and the files under <paramref name="extra"/>) as the upstream archive: <c>advisory-db-main/crates/...</c>.</summary>
    private static byte[] Archive(string root, string? extra)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var top in new[] { root, extra }.OfType<string>())
            {
                foreach (var dir in new[] { "crates", "rust" }.Select(c => Path.Combine(top, c)).Where(Directory.Exists))
                {
                    foreach (var path in Directory.EnumerateFiles(dir, "*.md", SearchOption.AllDirectories))
                    {
                        tar.WriteEntry(path, "advisory-db-main/" + Path.GetRelativePath(top, path).Replace('\\', '/'));
                    }
                }
            }
        }

        return output.ToArray();
    }

    /// <summary>Kestrel over HTTPS with the test CA's server certificate, answering 304 to the current ETag.</summary>
    private static async Task<HttpsServer> StartHttpsAsync(TestPki pki, Func<Served> current, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        using var withKey = pki.Server.CopyWithPrivateKey(pki.ServerKey);
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(async ctx =>
        {
            var served = current();
            if (ctx.Request.Headers.IfNoneMatch == served.ETag)
            {
                ctx.Response.StatusCode = 304;
                return;
            }

            ctx.Response.Headers.ETag = served.ETag;
            ctx.Response.ContentType = "application/gzip";
            ctx.Response.ContentLength = served.Archive.Length;
            await ctx.Response.Body.WriteAsync(served.Archive, ctx.RequestAborted);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpsServer(app, certificate, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) + "advisory-db/main.tar.gz");
    }

    private sealed record Served(byte[] Archive, string ETag);

    private sealed class HttpsServer(WebApplication app, X509Certificate2 certificate, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            certificate.Dispose();
        }
    }
}
