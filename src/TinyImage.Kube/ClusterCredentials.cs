using System.Net.Http.Headers;
using System.Text;
using k8s;

namespace TinyImage.Kube;

/// <summary>
/// The credentials a <see cref="KubernetesClientConfiguration"/> names, applied to each request (KubernetesClient's
/// <c>Kubernetes.CreateCredentials</c>, in its order): a token provider (the in-cluster service-account token file,
/// an exec plugin; asked on every request so rotating tokens keep working), else a bearer token, else basic auth.
/// Null when the configuration has none (client certificates, or an unauthenticated server).
/// </summary>
internal static class ClusterCredentials
{
    public static Func<HttpRequestMessage, CancellationToken, Task>? For(KubernetesClientConfiguration config)
    {
        if (config.TokenProvider is { } provider)
        {
            return async (request, cancellationToken) => request.Headers.Authorization = await provider.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            var bearer = new AuthenticationHeaderValue("Bearer", config.AccessToken);
            return Apply(bearer);
        }

        if (!string.IsNullOrEmpty(config.Username))
        {
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password)));
            return Apply(basic);
        }

        return null;
    }

    private static Func<HttpRequestMessage, CancellationToken, Task> Apply(AuthenticationHeaderValue header) => (request, _) =>
    {
        request.Headers.Authorization = header;
        return Task.CompletedTask;
    };
}
