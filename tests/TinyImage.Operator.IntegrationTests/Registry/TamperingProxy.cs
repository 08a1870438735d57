using Xunit;
using Microsoft.AspNetCore.Http;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// A reverse proxy in front of a real registry that flips one byte in the middle of every manifest or blob it serves by
/// digest (same length, so only the digest check can notice). Everything else passes through unchanged. With both
/// tamper flags off it is a plain proxy whose <see cref="Requests"/> log shows every request the registry got through it.
/// </summary>
internal sealed class TamperingProxy : IAsyncDisposable
{
    private readonly TestWebServer server;
    private readonly HttpClient upstream;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> requests = new();

    private TamperingProxy(TestWebServer server, HttpClient upstream)
    {
        this.server = server;
        this.upstream = upstream;
    }

    /// <summary>host:port of the proxy.</summary>
    public string Host => server.BaseUri.Authority;

    /// <summary>Every request forwarded so far, as <c>METHOD PATH</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    /// <summary>When set, every request waits for it to complete before it is forwarded (a registry that answers late).</summary>
    public Task? Hold { get; set; }

    /// <summary>Tamper with manifests fetched by digest.</summary>
    public bool TamperManifests { get; set; }

    /// <summary>Tamper with blobs.</summary>
    public bool TamperBlobs { get; set; } = true;

    public static async Task<TamperingProxy> StartAsync(Uri registry)
    {
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = registry };
        TamperingProxy? proxy = null;
        var server = await TestWebServer.StartAsync(context => proxy!.ForwardAsync(context));
        proxy = new TamperingProxy(server, upstream);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        requests.Enqueue(context.Request.Method + " " + context.Request.Path);
        if (Hold is { } hold)
        {
            await hold.WaitAsync(context.RequestAborted);
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        foreach (var accept in context.Request.Headers.Accept)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await upstream.SendAsync(request, context.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? string.Empty;
        var tamper = context.Request.Method == "GET" && body.Length > 0
            && ((TamperBlobs && path.Contains("/blobs/sha256:", StringComparison.Ordinal))
                || (TamperManifests && path.Contains("/manifests/sha256:", StringComparison.Ordinal)));
        if (tamper)
        {
            body[body.Length / 2] ^= 0x20;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var digest))
        {
            context.Response.Headers["Docker-Content-Digest"] = digest.ToArray();
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        upstream.Dispose();
    }
}
