using Xunit;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>A throwaway CA and a server certificate for 127.0.0.1 and localhost, generated per fixture.</summary>
internal sealed class TestPki : IDisposable
{
    public TestPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=TinyImage Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        ServerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", ServerKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        Server = serverRequest.Create(Ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public ECDsa ServerKey { get; }

    /// <summary>Writes ca.pem, server.pem and server-key.pem into <paramref name="dir"/>.</summary>
    public (string CaPem, string CertPem, string KeyPem) Write(string dir)
    {
        var ca = Path.Combine(dir, "ca.pem");
        var cert = Path.Combine(dir, "server.pem");
        var key = Path.Combine(dir, "server-key.pem");
        File.WriteAllText(ca, Ca.ExportCertificatePem());
        File.WriteAllText(cert, Server.ExportCertificatePem());
        File.WriteAllText(key, ServerKey.ExportPkcs8PrivateKeyPem());
        return (ca, cert, key);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        ServerKey.Dispose();
    }
}
