using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace TinyImage.Oci;

/// <summary>
/// Builds the <see cref="SocketsHttpHandler"/> the registry client runs on: no automatic redirects (the client follows
/// them itself so the Authorization header never reaches another host), no automatic decompression (digests are over
/// the bytes as served), TLS that trusts the system store plus an optional CA bundle, and every connection opened through
/// <see cref="OutboundPolicy.ConnectAsync"/>: resolved, checked against the deny-list, connected only to an allowed address.
/// </summary>
public static class RegistryHttpHandlers
{
    /// <summary>
    /// Creates a handler. <paramref name="extraTrust"/>: CA certificates trusted in addition to the system store.
    /// <paramref name="outbound"/>: the addresses connections may reach (pass the client's <see cref="RegistryClientOptions.Outbound"/>).
    /// </summary>
    public static SocketsHttpHandler Create(X509Certificate2Collection? extraTrust, bool insecure, TimeSpan connectTimeout, OutboundPolicy outbound)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = outbound.ConnectAsync,
        };

        if (insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (extraTrust is { Count: > 0 })
        {
            var roots = new X509Certificate2Collection(extraTrust);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(roots, certificate, errors);
        }

        return handler;
    }

    /// <summary>Loads every certificate of a PEM bundle (the <c>--ca</c> file, or a CA from a Secret).</summary>
    public static X509Certificate2Collection LoadPemBundle(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, $"The CA bundle '{path}' holds no PEM certificate.");
        }

        return collection;
    }

    /// <summary>
    /// Accepts a server certificate the system trusts, or one whose chain ends in one of <paramref name="roots"/>.
    /// The host name must match either way.
    /// </summary>
    internal static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(leaf);
    }
}
