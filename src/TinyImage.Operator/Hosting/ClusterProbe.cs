using System.Net;
using System.Text.Json;
using TinyImage.Operator.Reconciler;
using TinyImage.Kube;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// Checks, before running, that the address answers as a Kubernetes API server (JSON from <c>/version</c> and a
/// TinyImage list, not an HTML page or garbled bytes) and serves the TinyImage kind.
/// </summary>
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

                if (response.IsSuccessStatusCode && await NotJsonAsync(response, "gitVersion", cancellationToken).ConfigureAwait(false) is { } notVersion)
                {
                    return InvalidResponse("GET /version", response, "a Kubernetes version", notVersion);
                }
            }

            using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, path));
            using var answer = await connection.SendAsync(list, streaming: false, cancellationToken).ConfigureAwait(false);
            return answer.StatusCode switch
            {
                HttpStatusCode.OK => await NotJsonAsync(answer, "items", cancellationToken).ConfigureAwait(false) is { } notList
                    ? InvalidResponse("listing tinyimages", answer, "a TinyImageList", notList)
                    : null,
                HttpStatusCode.NotFound => "the TinyImage CRD is not installed (kubectl apply -f config/crd, or install the Helm chart)",
                HttpStatusCode.Unauthorized => "the credentials were refused (401)",
                HttpStatusCode.Forbidden => "not allowed to list tinyimages (403): check the operator's RBAC",
                _ => "listing tinyimages answered " + (int)answer.StatusCode,
            };
        }
        catch (Exception exception) when (KubeErrors.IsRetryable(exception) && !cancellationToken.IsCancellationRequested)
        {
            return exception.Message;
        }
    }

    /// <summary>Null when the body is a JSON object with <paramref name="member"/>; else how it starts.</summary>
    private static async Task<string?> NotJsonAsync(HttpResponseMessage response, string member, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(member, out _))
            {
                return null;
            }
        }
        catch (JsonException)
        {
            // described below
        }

        var head = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 120));
        return new string([.. head.Select(c => char.IsControl(c) ? ' ' : c)]).Trim() + (body.Length > 120 ? "..." : "");
    }

    private static string InvalidResponse(string what, HttpResponseMessage response, string expected, string head) =>
        KubeApiException.InvalidResponse + ": " + what + " answered " + (int)response.StatusCode + " ("
        + (response.Content.Headers.ContentType?.ToString() ?? "no content type") + ") with something that is not " + expected
        + (head.Length == 0 ? "" : ", starting '" + head + "'") + "; is the address a Kubernetes API server?";
}
