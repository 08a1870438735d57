using System.Net.Http.Headers;
using k8s.Authentication;

namespace TinyImage.Kube;

/// <summary>
/// A bearer token read from a file and read again once it is <see cref="RereadAfter"/> old, as KubernetesClient's
/// <c>TokenFileAuth</c> does: the kubelet rotates a bound service-account token (at 80 % of its lifetime, an hour by
/// default), so the file must be reread, not cached. A file that cannot be read throws (the request fails as
/// <c>CredentialsUnavailable</c> and is retried).
/// </summary>
public sealed class ServiceAccountTokenFile : ITokenProvider
{
    /// <summary>How long a token read from the file is used before the file is read again.</summary>
    public static readonly TimeSpan RereadAfter = TimeSpan.FromMinutes(1);

    private readonly TimeProvider time;
    private Read? last;

    public ServiceAccountTokenFile(string path, TimeProvider time)
    {
        Path = path;
        this.time = time;
    }

    /// <summary>The token file (in a pod: /var/run/secrets/kubernetes.io/serviceaccount/token).</summary>
    public string Path { get; }

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = Volatile.Read(ref last);
        if (current is null || now - current.At >= RereadAfter)
        {
            var token = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
            current = new Read(new AuthenticationHeaderValue("Bearer", token), now);
            Volatile.Write(ref last, current);
        }

        return current.Header;
    }

    private sealed record Read(AuthenticationHeaderValue Header, DateTimeOffset At);
}
