using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Exceptions;

namespace TinyImage.Kube;

/// <summary>
/// TLS for the connection to the API server, from a <see cref="KubernetesClientConfiguration"/> (what KubernetesClient's
/// <c>Kubernetes</c> constructor does, without constructing it: that constructor links every model the package has).
/// A configured CA (<c>certificate-authority[-data]</c>, the in-cluster <c>ca.crt</c>) is the only trust anchor, as
/// with kubectl: a server certificate the system trusts but the CA did not sign is refused. The name checked is the
/// server's host, or <c>tls-server-name</c> when set. <c>insecure-skip-tls-verify</c> accepts any certificate.
/// </summary>
internal static class ClusterTls
{
    /// <summary>Configures <paramref name="handler"/>'s server validation and client certificate.</summary>
    public static void Configure(SocketsHttpHandler handler, KubernetesClientConfiguration config)
    {
        if (config.SkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            var serverName = string.IsNullOrWhiteSpace(config.TlsServerName) ? null : config.TlsServerName;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, authorities, serverName);
        }

        if (ClientCertificate(config) is { } client)
        {
            handler.SslOptions.ClientCertificates = [client];

            // As KubernetesClient does: the certificate is offered whatever the server's list of acceptable issuers says.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and nothing else)
    /// and names <paramref name="serverName"/>, or the requested host when that is null.
    /// </summary>
    internal static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities, string? serverName)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (serverName is null ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 : !leaf.MatchesHostname(serverName))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // The intermediates the server sent.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }

        return chain.Build(leaf);
    }

    /// <summary>
    /// The client certificate with its key (PEM: RSA, EC or PKCS#8), from <c>client-certificate-data</c> and
    /// <c>client-key-data</c> (base64 of the PEM) or the files <c>client-certificate</c> and <c>client-key</c>; null when none is configured.
    /// </summary>
    internal static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificate = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        if (certificate is null && key is null)
        {
            return null;
        }

        if (certificate is null || key is null)
        {
            throw new KubeConfigException(certificate is null ? "the configuration has a client key but no client certificate" : "the configuration has a client certificate but no client key");
        }

        return X509Certificate2.CreateFromPem(certificate, key);
    }

    private static string? Pem(string? base64, string? path) =>
        !string.IsNullOrWhiteSpace(path) ? File.ReadAllText(path)
        : !string.IsNullOrWhiteSpace(base64) ? Encoding.UTF8.GetString(Convert.FromBase64String(base64))
        : null;
}
