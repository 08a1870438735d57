using System.Security.Cryptography;
using System.Text;

namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>
/// The two ways a git host proves a webhook is its own, each compared in constant time: GitHub's
/// <c>X-Hub-Signature-256: sha256=HEX</c>, the HMAC-SHA256 of the exact body under the webhook secret; GitLab's
/// <c>X-Gitlab-Token</c>, the secret itself (both sides hashed first, so neither the content nor the length leaks).
/// </summary>
internal static class WebhookSignature
{
    private const string Prefix = "sha256=";

    /// <summary>True when <paramref name="header"/> is <c>sha256=</c> and the hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static bool IsValidGitHub(ReadOnlySpan<byte> body, string? header, ReadOnlySpan<byte> secret)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64 || secret.IsEmpty)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(secret, body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>True when <paramref name="token"/> equals <paramref name="secret"/> (compared as SHA-256 digests, in constant time).</summary>
    public static bool IsValidGitLab(string? token, ReadOnlySpan<byte> secret)
    {
        if (token is null || secret.IsEmpty)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(secret));
    }

    /// <summary>The header value GitHub would send for <paramref name="body"/> (tests and tools).</summary>
    public static string GitHubHeader(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));
}
