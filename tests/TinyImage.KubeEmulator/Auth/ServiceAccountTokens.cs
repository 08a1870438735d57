using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// Bound ServiceAccount tokens: JWTs shaped as the real token issuer writes them (ES256, the kubernetes.io claims),
/// accepted while unexpired and while the ServiceAccount they name still exists with the same uid
/// (pkg/serviceaccount/claims.go). Issued tokens are remembered, so validation is a dictionary lookup.
/// </summary>
internal sealed class ServiceAccountTokens(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    /// <summary>The issuer and default audience of an in-cluster API server.</summary>
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    private readonly ConcurrentDictionary<string, Issued> _issued = new(StringComparer.Ordinal);
    private readonly Lazy<ECDsa> _key = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Issues a token for an existing ServiceAccount, or null when it does not exist.</summary>
    public (string Token, DateTimeOffset Expires, string[] Audiences)? Issue(string ns, string name, long expirationSeconds, string[]? audiences)
    {
        if (store.StoredObject(ServiceAccounts, ns, name) is not { } sa)
        {
            return null;
        }

        var uid = (string?)sa["metadata"]?["uid"] ?? "";
        var now = time.GetUtcNow();
        var expires = now.AddSeconds(expirationSeconds);
        var aud = audiences is { Length: > 0 } ? audiences : [Issuer];
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray([.. aud.Select(a => (JsonNode)a)]),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = uid },
            },
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = UserInfo.ServiceAccountUser(ns, name),
        };
        var header = Base64Url("""{"alg":"ES256","kid":"kube-emulator"}"""u8);
        var payload = Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.Value.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256);
        var token = header + "." + payload + "." + Base64Url(signature);
        _issued[token] = new Issued(ns, name, uid, expires);
        return (token, expires, aud);
    }

    /// <summary>The identity of a token this emulator issued, or null (expired, unknown, or its ServiceAccount is gone).</summary>
    public UserInfo? Validate(string token)
    {
        if (!_issued.TryGetValue(token, out var issued) || time.GetUtcNow() >= issued.Expires)
        {
            return null;
        }

        var sa = store.StoredObject(ServiceAccounts, issued.Namespace, issued.Name);
        if (sa is null || (string?)sa["metadata"]?["uid"] != issued.Uid || sa["metadata"]?["deletionTimestamp"] is not null)
        {
            return null;
        }

        return issued.User;
    }

    private ResourceType ServiceAccounts => registry.Find("", "v1", "serviceaccounts")!;

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Issued(string Namespace, string Name, string Uid, DateTimeOffset Expires)
    {
        public UserInfo User { get; } = UserInfo.ServiceAccount(Namespace, Name);
    }
}
