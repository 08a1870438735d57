using System.Text.Json;

namespace TinyImage.Kube;

/// <summary>
/// Which failures of talking to the API server are retried with backoff (logged, never fatal): the server's own errors,
/// answers that are not what a Kubernetes API server sends (<see cref="KubeApiException.InvalidResponse"/>), connection,
/// TLS and stream failures, timeouts, and credentials that cannot be read (a token file, an exec plugin). The one list
/// the informers, leader election, event recording and the <c>run</c> verb's probe share.
/// </summary>
public static class KubeErrors
{
    public static bool IsRetryable(Exception exception) =>
        exception is KubeApiException or HttpRequestException or IOException or TimeoutException or JsonException or UnauthorizedAccessException;
}
