using System.Net;
using TinyImage.Operator.Controllers;
using TinyImage.Operator.Kube;

namespace TinyImage.Operator.Hosting;

/// <summary>Checks, before running, that the API server answers and serves the TinyImage kind.</summary>
internal static class ClusterProbe
{
    /// <summary>Null when the cluster is usable; else what is wrong, as a sentence.</summary>
    public static async Task<string?> CheckAsync(KubeConnection connection, IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        var path = TinyImageTypes.TinyImages.CollectionPath(namespaces.Count == 0 ? null : namespaces[0]) + "?limit=1";
        try
        {
            using (var version = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, "version")))
            using (var response = await connection.SendAsync(version, streaming: false, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    return "GET /version answered " + (int)response.StatusCode;
                }
            }

            using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, path));
            using var answer = await connection.SendAsync(list, streaming: false, cancellationToken).ConfigureAwait(false);
            return answer.StatusCode switch
            {
                HttpStatusCode.OK => null,
                HttpStatusCode.NotFound => "the TinyImage CRD is not installed (kubectl apply -f config/crd, or install the Helm chart)",
                HttpStatusCode.Unauthorized => "the credentials were refused (401)",
                HttpStatusCode.Forbidden => "not allowed to list tinyimages (403): check the operator's RBAC",
                _ => "listing tinyimages answered " + (int)answer.StatusCode,
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or IOException)
        {
            return exception.Message;
        }
    }
}
