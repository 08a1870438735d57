using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Advisories;
using TinyImage.Operator.IntegrationTests.Registry;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Advisories;

/// <summary>The advisory refresher over real HTTPS (Kestrel with a test CA's certificate) serving the RustSec snapshot.</summary>
public sealed class AdvisoryArchiveHttpsTests
{
    [Fact]
    public async Task The_Refresher_Loads_The_Snapshot_Over_Https_And_A_Second_Fetch_Gets_A_304()
    {
        if (RepoPaths.AdvisoryDb is not { } root)
        {
            Assert.Skip("The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.");
            return;
        }

        var ct = TestContext.Current.CancellationToken;
        var archive = Archive(root);
        var notModified = 0;
        using var pki = new TestPki();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        using var withKey = pki.Server.CopyWithPrivateKey(pki.ServerKey);
        using var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        await using var app = builder.Build();
        app.Run(async ctx =>
        {
            if (ctx.Request.Headers.IfNoneMatch == "\"snapshot\"")
            {
                Interlocked.Increment(ref notModified);
                ctx.Response.StatusCode = 304;
                return;
            }

            ctx.Response.Headers.ETag = "\"snapshot\"";
            ctx.Response.ContentType = "application/gzip";
            ctx.Response.ContentLength = archive.Length;
            await ctx.Response.Body.WriteAsync(archive, ctx.RequestAborted);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) + "advisory-db/main.tar.gz";
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == pki.Server.GetCertHashString() },
        };
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = new AdvisoryDatabaseRefresher(holder, url, TimeSpan.FromHours(1), new FakeTimeProvider(), NullLogger.Instance, handler);

        Assert.True(await refresher.RefreshAsync(ct), refresher.LastError);
        Assert.Equal((await AdvisoryDatabase.LoadFromDirectoryAsync(root, ct)).Count, holder.Current!.Count);
        var first = holder.Current;
        Assert.False(await refresher.RefreshAsync(ct), refresher.LastError);
        Assert.Equal(1, notModified);
        Assert.Same(first, holder.Current);
        Assert.Equal(0, refresher.Failures);
    }

    private static byte[] Archive(string root)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var dir in new[] { "crates", "rust" }.Select(c => Path.Combine(root, c)).Where(Directory.Exists))
            {
                foreach (var path in Directory.EnumerateFiles(dir, "*.md", SearchOption.AllDirectories))
                {
                    tar.WriteEntry(path, "advisory-db-main/" + Path.GetRelativePath(root, path).Replace('\\', '/'));
                }
            }
        }

        return output.ToArray();
    }
}
