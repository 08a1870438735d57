using System.Net.Http.Headers;
using k8s;

namespace TinyImage.Kube;

/// <summary>
/// The HTTP connection to an API server: base address, TLS and client certificates (in the handler) and credentials
/// (applied per request, so rotating tokens keep working). Built from a <see cref="KubernetesClientConfiguration"/>
/// (<see cref="ClusterTls"/>, <see cref="ClusterCredentials"/>), or from a plain <see cref="HttpClient"/> in tests.
/// </summary>
public sealed class KubeConnection : IDisposable
{
    private static readonly ProductInfoHeaderValue UserAgent = new("tinyimage-operator", "0.1");
    private readonly HttpClient http;
    private readonly Func<HttpRequestMessage, CancellationToken, Task>? authenticate;
    private readonly IDisposable? owner;

    public KubeConnection(HttpClient http, Uri baseUri, Func<HttpRequestMessage, CancellationToken, Task>? authenticate = null, IDisposable? owner = null)
    {
        this.http = http;
        this.authenticate = authenticate;
        this.owner = owner;
        var text = baseUri.ToString();
        BaseUri = text.EndsWith('/') ? baseUri : new Uri(text + "/");
    }

    /// <summary>The API server's address, ending with a slash.</summary>
    public Uri BaseUri { get; }

    /// <summary>Added to the User-Agent as a comment (the replica's identity), so audit logs tell replicas apart.</summary>
    public string? Identity { get; init; }

    /// <summary>Timeout of a single non-watch request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connects with a kubeconfig or in-cluster configuration: server CA, client certificate, skip-verify, token provider
    /// (service-account token file, exec plugin), bearer token, basic auth. Built from the configuration's properties,
    /// never through KubernetesClient's <c>Kubernetes</c> (whose constructor links all of the package's models).
    /// </summary>
    public static KubeConnection FromConfig(KubernetesClientConfiguration config, string? identity = null)
    {
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            throw new k8s.Exceptions.KubeConfigException("the cluster's server address '" + config.Host + "' is not an http or https URL");
        }

        var handler = new SocketsHttpHandler
        {
            // KubernetesClient's settings: HTTP/2 keep-alive pings while requests run, more than one HTTP/2 connection.
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        try
        {
            if (server.Scheme == "https")
            {
                ClusterTls.Configure(handler, config);
            }

            var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            return new KubeConnection(http, server, ClusterCredentials.For(config), http) { Identity = identity };
        }
        catch
        {
            handler.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request with credentials. <paramref name="streaming"/> returns after the headers (watch, logs) and applies no timeout.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken) =>
        SendCoreAsync(request, streaming ? Completion.Streaming : Completion.Buffered, cancellationToken);

    /// <summary>
    /// Sends a request with credentials and returns once the headers are in, within <see cref="RequestTimeout"/>: the body
    /// is not buffered. A caller that only needs the status code disposes the response unread, and the handler drains the
    /// body on the connection instead of copying it into a buffer (issue 17: the answers of creates nobody reads).
    /// </summary>
    public Task<HttpResponseMessage> SendForHeadersAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, Completion.Headers, cancellationToken);

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, Completion completion, CancellationToken cancellationToken)
    {
        var streaming = completion == Completion.Streaming;
        request.Headers.UserAgent.Add(UserAgent);
        if (Identity is not null)
        {
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("(" + Identity + ")"));
        }
        if (authenticate is not null)
        {
            try
            {
                await authenticate(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or k8s.Exceptions.KubeConfigException or System.Text.Json.JsonException or FormatException)
            {
                // A service-account token file that cannot be read, an exec plugin that fails: named and retried, never fatal.
                throw new KubeApiException(0, KubeApiException.CredentialsUnavailable, "the credentials for " + request.Method + " " + request.RequestUri?.AbsolutePath + " could not be loaded: " + exception.Message, exception);
            }
        }

        if (streaming)
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var option = completion == Completion.Headers ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
            return await http.SendAsync(request, option, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The API server did not answer " + request.Method + " " + request.RequestUri + " within " + RequestTimeout);
        }
    }

    public void Dispose() => owner?.Dispose();

    private enum Completion
    {
        Buffered,
        Headers,
        Streaming,
    }
}
