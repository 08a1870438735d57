using System.Text.Json;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>Turns Kubernetes <c>Status</c> bodies into <see cref="KubeApiException"/>.</summary>
public static class StatusErrors
{
    public static KubeApiException FromBody(int httpCode, string? reasonPhrase, string body)
    {
        V1Status? status = null;
        if (body.StartsWith('{'))
        {
            try
            {
                status = JsonSerializer.Deserialize(body, KubeJsonContext.Default.V1Status);
            }
            catch (JsonException)
            {
                // not a Status: fall through to the raw body
            }
        }

        return FromStatus(status, httpCode, reasonPhrase ?? "Error", body);
    }

    public static KubeApiException FromStatus(V1Status? status, int fallbackCode, string fallbackReason, string fallbackMessage)
    {
        var code = status?.Code is int c && c != 0 ? c : fallbackCode;
        var reason = string.IsNullOrEmpty(status?.Reason) ? fallbackReason : status.Reason;
        var message = string.IsNullOrEmpty(status?.Message) ? Truncate(fallbackMessage) : status.Message;
        return new KubeApiException(code, reason, message);
    }

    private static string Truncate(string text) => text.Length <= 512 ? text : text[..512] + "...";
}
