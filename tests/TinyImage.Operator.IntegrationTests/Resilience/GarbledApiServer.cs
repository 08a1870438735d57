using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyImage.Operator.IntegrationTests.Registry;

namespace TinyImage.Operator.IntegrationTests.Resilience;

/// <summary>What a <see cref="GarbledApiServer"/> answers with 200 OK.</summary>
public enum Garble
{
    /// <summary>A web server's HTML page, to every request.</summary>
    Html,

    /// <summary>JSON cut off in the middle, to every request.</summary>
    TruncatedJson,

    /// <summary>A valid <c>/version</c> and TinyImage list (so the run verb's probe passes), then truncated JSON.</summary>
    TruncatedAfterProbe,
}

/// <summary>
/// An HTTPS server on a loopback port, with a throwaway CA, that sits where the API server should be and answers with
/// something that is not a Kubernetes API answer; it records every path it was asked for.
/// </summary>
internal sealed class GarbledApiServer : IAsyncDisposable
{
    public const string HtmlPage = "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>\n";
    public const string Truncated = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"17\"},\"items\":[{\"metadata\":{\"name\":\"cut";

    private readonly WebApplication app;
    private readonly TestPki pki;
    private readonly ConcurrentQueue<string> paths = new();

    private GarbledApiServer(WebApplication app, TestPki pki, Uri baseUri)
    {
        this.app = app;
        this.pki = pki;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public IReadOnlyList<string> Paths => [.. paths];

    public static async Task<GarbledApiServer> StartAsync(Garble garble)
    {
        var pki = new TestPki();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        using var withKey = pki.Server.CopyWithPrivateKey(pki.ServerKey);
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        GarbledApiServer? server = null;
        app.Run(async ctx =>
        {
            var path = ctx.Request.Path.Value ?? "/";
            server!.paths.Enqueue(path + ctx.Request.QueryString);
            var (type, body) = Answer(garble, path);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = type;
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new GarbledApiServer(app, pki, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    /// <summary>A kubeconfig as a cluster hands it out: the server's address, its CA and a bearer token.</summary>
    public string WriteKubeconfig(string path)
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(pki.Ca.ExportCertificatePem()));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: garbled
              cluster:
                server: {BaseUri.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: operator
              user:
                token: not-a-real-token
            contexts:
            - name: garbled
              context:
                cluster: garbled
                user: operator
            current-context: garbled
            """);
        return path;
    }

    private static (string Type, string Body) Answer(Garble garble, string path)
    {
        if (garble == Garble.Html)
        {
            return ("text/html; charset=utf-8", HtmlPage);
        }

        if (garble == Garble.TruncatedAfterProbe && path == "/version")
        {
            return ("application/json", "{\"major\":\"1\",\"minor\":\"35\",\"gitVersion\":\"v1.35.0\"}");
        }

        if (garble == Garble.TruncatedAfterProbe && path.EndsWith("/tinyimages", StringComparison.Ordinal))
        {
            return ("application/json", "{\"apiVersion\":\"tinyimage.dev/v1alpha1\",\"kind\":\"TinyImageList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
        }

        return ("application/json", Truncated);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        pki.Dispose();
    }
}
