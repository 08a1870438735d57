using System.Security.Cryptography;

namespace TinyImage.Oci;

/// <summary>OCI content digests. Only <c>sha256</c> is accepted: it is what every registry and builder writes.</summary>
public static class Digests
{
    private const string Prefix = "sha256:";

    /// <summary>True for <c>sha256:</c> followed by exactly 64 lowercase hex digits.</summary>
    public static bool IsValid(string? digest)
    {
        if (digest is null || digest.Length != Prefix.Length + 64 || !digest.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in digest.AsSpan(Prefix.Length))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The digest of a byte array.</summary>
    public static string Compute(ReadOnlySpan<byte> content) => Format(SHA256.HashData(content));

    /// <summary>Formats a raw 32-byte SHA-256 hash as a digest string.</summary>
    public static string Format(ReadOnlySpan<byte> hash) => Prefix + Convert.ToHexStringLower(hash);

    /// <summary>Throws <see cref="RegistryException"/> (Malformed) unless <paramref name="digest"/> is valid.</summary>
    public static void Require(string? digest, string what)
    {
        if (!IsValid(digest))
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"{what} has an invalid digest '{digest}': expected sha256 and 64 lowercase hex digits.");
        }
    }
}
