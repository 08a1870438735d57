using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// A certificate authority and the serving certificate it signs for the emulator: valid for 127.0.0.1, ::1,
/// localhost and the in-cluster names of the API server (kubernetes.default.svc...), as kubeadm's apiserver
/// certificate is.
/// </summary>
public sealed class ServingCertificates : IDisposable
{
    private readonly bool _ownsAuthority;

    private ServingCertificates(X509Certificate2 authority, X509Certificate2 server, bool ownsAuthority)
    {
        Authority = authority;
        Server = server;
        _ownsAuthority = ownsAuthority;
    }

    /// <summary>The CA (with its private key when generated here).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The serving certificate, with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The CA in PEM, as in <c>ca.crt</c> and (base64) in <c>certificate-authority-data</c>.</summary>
    public string AuthorityPem => Authority.ExportCertificatePem() + "\n";

    /// <summary>Generates a CA, or uses <paramref name="authority"/> (which must hold its private key), and signs a serving certificate.</summary>
    public static ServingCertificates Create(TimeProvider time, X509Certificate2? authority = null)
    {
        var now = time.GetUtcNow();
        var owns = authority is null;
        if (authority is null)
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=kube-emulator-ca", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        }

        if (!authority.HasPrivateKey)
        {
            throw new ArgumentException("the certificate authority must carry its private key to sign the serving certificate", nameof(authority));
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var dns in new[] { "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local" })
        {
            names.AddDnsName(dns);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        var notAfter = now.AddDays(300) < authority.NotAfter ? now.AddDays(300) : new DateTimeOffset(authority.NotAfter);
        using var signed = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        var server = signed.CopyWithPrivateKey(key);
        return new ServingCertificates(authority, server, owns);
    }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="Authority"/> (for an HttpClient's validation callback).</summary>
    public bool Trusts(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        if (_ownsAuthority)
        {
            Authority.Dispose();
        }

        Server.Dispose();
    }
}
