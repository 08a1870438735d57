using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>
/// The webhook endpoint: <c>POST /hooks/git</c> on its own port (<c>--webhook-port</c>), on <see cref="HttpListener"/>
/// like the health server. The body is read up to <see cref="MaxBodyBytes"/> (a larger one is refused with 413 before it
/// is read whole) and handed to the <see cref="WebhookReceiver"/>. Every replica serves it.
/// </summary>
internal sealed partial class WebhookServer : IAsyncDisposable
{
    public const string Path = "/hooks/git";

    /// <summary>The largest payload read: GitHub caps payloads at 25 MB, but a push of a few commits is a few kilobytes.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly HttpListener listener;
    private readonly WebhookReceiver receiver;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private Task? serving;

    private WebhookServer(HttpListener listener, int port, WebhookReceiver receiver, ILogger logger)
    {
        this.listener = listener;
        this.receiver = receiver;
        this.logger = logger;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The endpoint's address from this machine.</summary>
    public Uri LocalAddress => new("http://127.0.0.1:" + Port + Path);

    /// <summary>Listens on <c>http://+:PORT/</c> (or 127.0.0.1 when the wildcard is not permitted); port 0 picks a free port.</summary>
    public static WebhookServer Start(int port, WebhookReceiver receiver, ILogger logger)
    {
        var (listener, bound) = Telemetry.HealthServer.Listen(port);
        var server = new WebhookServer(listener, bound, receiver, logger);
        server.serving = Task.Run(() => server.ServeAsync(server.stop.Token), CancellationToken.None);
        LogServing(logger, listener.Prefixes.First(), Path);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        if (serving is not null)
        {
            await serving.ConfigureAwait(false);
        }

        listener.Close();
        stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpListenerException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // One delivery at a time is plenty for push events; a slow one cannot starve the loop for long (the API calls are bounded).
            try
            {
                var response = await HandleAsync(context.Request, cancellationToken).ConfigureAwait(false);
                await WriteAsync(context.Response, response, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or Kube.KubeApiException or HttpRequestException)
            {
                LogFailed(logger, exception);
                try
                {
                    await WriteAsync(context.Response, new WebhookResponse(503, "the cluster could not be read; deliver again"), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception again) when (again is HttpListenerException or IOException or InvalidOperationException)
                {
                    // the caller went away
                }
            }
        }
    }

    private async Task<WebhookResponse> HandleAsync(HttpListenerRequest request, CancellationToken cancellationToken)
    {
        if (request.Url?.AbsolutePath != Path)
        {
            return new WebhookResponse(404, "not found: deliver webhooks to " + Path);
        }

        if (request.HttpMethod != "POST")
        {
            return new WebhookResponse(405, "webhooks are POSTed");
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            return new WebhookResponse(413, "the payload is over " + MaxBodyBytes + " bytes");
        }

        var body = await ReadCappedAsync(request.InputStream, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return new WebhookResponse(413, "the payload is over " + MaxBodyBytes + " bytes");
        }

        return await receiver.HandleAsync(new WebhookRequest(name => request.Headers[name], body), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]?> ReadCappedAsync(Stream input, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpListenerResponse response, WebhookResponse answer, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(answer.Body + "\n");
        response.StatusCode = answer.Status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        response.Close();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiving git webhooks on {Prefix} at {Path}")]
    private static partial void LogServing(ILogger logger, string prefix, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook delivery failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
