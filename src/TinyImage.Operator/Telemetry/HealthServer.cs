using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TinyImage.Operator.Telemetry;

/// <summary>
/// <c>/metrics</c> (Prometheus text 0.0.4), <c>/healthz</c> (200 while the process runs) and <c>/readyz</c> (200 or 503
/// with the reason) on <see cref="HttpListener"/>: no ASP.NET, so the NativeAOT binary stays small. Listens on
/// <c>http://+:PORT/</c>, or on 127.0.0.1 when the wildcard is not permitted; port 0 picks a free port.
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HttpListener listener;
    private readonly PrometheusCollector collector;
    private readonly Readiness readiness;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private Task? serving;

    private HealthServer(HttpListener listener, int port, PrometheusCollector collector, Readiness readiness, ILogger logger)
    {
        this.listener = listener;
        this.collector = collector;
        this.readiness = readiness;
        this.logger = logger;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Base address reachable from this machine, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri LocalAddress => new("http://127.0.0.1:" + Port + "/");

    public static HealthServer Start(int port, PrometheusCollector collector, Readiness readiness, ILogger logger)
    {
        var (listener, bound) = Listen(port);
        var server = new HealthServer(listener, bound, collector, readiness, logger);
        server.serving = Task.Run(() => server.ServeAsync(server.stop.Token), CancellationToken.None);
        logger.LogInformation("Serving /metrics, /healthz and /readyz on {Prefix}", listener.Prefixes.First());
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

    internal static (HttpListener Listener, int Port) Listen(int port)
    {
        if (port != 0)
        {
            return (TryListen("http://+:" + port + "/") ?? TryListen("http://127.0.0.1:" + port + "/")
                ?? throw new InvalidOperationException("cannot listen on port " + port), port);
        }

        // Port 0: find a free port, then take it (retrying if another process took it in between).
        for (var attempt = 0; ; attempt++)
        {
            var free = FreePort();
            var listener = TryListen("http://127.0.0.1:" + free + "/");
            if (listener is not null)
            {
                return (listener, free);
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException("found no free port to listen on");
            }
        }
    }

    private static HttpListener? TryListen(string prefix)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        try
        {
            listener.Start();
            return listener;
        }
        catch (HttpListenerException)
        {
            listener.Close();
            return null;
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
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

            try
            {
                await RespondAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException)
            {
                logger.LogDebug(exception, "A health or metrics client went away");
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var path = context.Request.Url?.AbsolutePath ?? "/";
        var (status, contentType, body) = path switch
        {
            "/metrics" => (200, MetricsContentType, collector.Scrape()),
            "/healthz" => (200, "text/plain; charset=utf-8", "ok\n"),
            "/readyz" => Ready(),
            _ => (404, "text/plain; charset=utf-8", "not found: try /metrics, /healthz or /readyz\n"),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        response.Close();
    }

    private (int Status, string ContentType, string Body) Ready()
    {
        var (ready, reason) = readiness.Current;
        var detail = readiness.Detail();
        return (ready ? 200 : 503, "text/plain; charset=utf-8", reason + "\n" + (detail is null ? string.Empty : detail + "\n"));
    }
}
