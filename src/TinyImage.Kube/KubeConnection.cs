using System.Net.Http.Headers;
using k8s;

namespace TinyImage.Kube;

/// <summary>
/// The HTTP connection to an API server: base address, TLS and client certificates (in the handler) and credentials
/// (applied per request, so rotating tokens keep working). Built from a <see cref="KubernetesClientConfiguration"/>
/// by reusing <see cref="Kubernetes"/>'s handler and credentials, or from a plain <see cref="HttpClient"/> in tests.
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

    /// <summary>Connects with a kubeconfig or in-cluster configuration (TLS, client certificates, tokens, exec plugins).</summary>
    public static KubeConnection FromConfig(KubernetesClientConfiguration config, string? identity = null)
    {
        var kubernetes = new Kubernetes(config);
        var credentials = kubernetes.Credentials;
        return new KubeConnection(
            kubernetes.HttpClient,
            kubernetes.BaseUri,
            credentials is null ? null : credentials.ProcessHttpRequestAsync,
            kubernetes)
        {
            Identity = identity,
        };
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
