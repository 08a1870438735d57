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
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken)
    {
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
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The API server did not answer " + request.Method + " " + request.RequestUri + " within " + RequestTimeout);
        }
    }

    public void Dispose() => owner?.Dispose();
}
