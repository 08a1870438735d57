using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// A real registry for tests and the demo: Debian's <c>docker-registry</c> (CNCF distribution) on loopback, with TLS
/// from a CA generated here and htpasswd (bcrypt, by apache2-utils' <c>htpasswd -B</c>) basic auth. Everything lives in
/// a working directory: certificates, the <c>certs.d</c>-style directory skopeo and podman take as <c>--cert-dir</c>,
/// a CA bundle for .NET processes (<c>SSL_CERT_FILE</c>), and the blob storage.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private static readonly Lock LogLock = new();
    private readonly Process _process;
    private readonly X509Certificate2 _ca;

    private LocalRegistry(Process process, string directory, int port, string username, string password, X509Certificate2 ca)
    {
        _process = process;
        Directory = directory;
        Port = port;
        Username = username;
        Password = password;
        _ca = ca;
    }

    /// <summary>The working directory.</summary>
    public string Directory { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: the registry part of image references.</summary>
    public string Host => "127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The user allowed to push and pull.</summary>
    public string Username { get; }

    /// <summary>Its password (random per registry).</summary>
    public string Password { get; }

    /// <summary>A directory holding <c>ca.crt</c>: skopeo's and podman's <c>--cert-dir</c>.</summary>
    public string CertDirectory => Path.Combine(Directory, "certs");

    /// <summary>The CA certificate (PEM).</summary>
    public string CaFile => Path.Combine(CertDirectory, "ca.crt");

    /// <summary>The system CA bundle plus this registry's CA: <c>SSL_CERT_FILE</c> for a .NET process that must trust it.</summary>
    public string CaBundleFile => Path.Combine(Directory, "ca-bundle.crt");

    /// <summary>The registry's log (stdout and stderr).</summary>
    public string LogFile => Path.Combine(Directory, "registry.log");

    /// <summary>The content of a <c>kubernetes.io/dockerconfigjson</c> Secret with this registry's credentials.</summary>
    public string DockerConfigJson(string? password = null)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + (password ?? Password)));
        return "{\"auths\":{\"" + Host + "\":{\"username\":\"" + Username + "\",\"password\":\"" + (password ?? Password) + "\",\"auth\":\"" + auth + "\"}}}";
    }

    /// <summary>True when the registry binary and htpasswd are installed (else tests skip saying so).</summary>
    public static string? MissingPrerequisite() =>
        Tool.Find("docker-registry") is null ? "docker-registry is not installed (scripts/install-tools.sh installs it)"
        : Tool.Find("htpasswd") is null ? "htpasswd (apache2-utils) is not installed (scripts/install-tools.sh installs it)"
        : null;

    /// <summary>Starts a registry in <paramref name="directory"/> (created) on a free loopback port and waits until it answers.</summary>
    public static async Task<LocalRegistry> StartAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var registryBinary = Tool.Find("docker-registry") ?? throw new InvalidOperationException("docker-registry not installed");
        var htpasswd = Tool.Find("htpasswd") ?? throw new InvalidOperationException("htpasswd not installed");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "certs"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        var ca = WriteCertificates(directory);
        const string username = "pusher";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var hash = await Tool.RunAsync(htpasswd, ["-niB", username], cancellationToken, stdin: password + "\n");
        if (!hash.Succeeded)
        {
            throw new InvalidOperationException(hash.Describe());
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), hash.Stdout, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var config = Path.Combine(directory, "config.yml");
            await File.WriteAllTextAsync(config, $"""
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(directory, "data")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                  tls:
                    certificate: {Path.Combine(directory, "server.crt")}
                    key: {Path.Combine(directory, "server.key")}
                auth:
                  htpasswd:
                    realm: tinyimage-test
                    path: {Path.Combine(directory, "htpasswd")}
                """, cancellationToken);
            var psi = Tool.StartInfo(registryBinary, ["serve", config]);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("docker-registry did not start");
            var log = Path.Combine(directory, "registry.log");
            _ = PumpAsync(process.StandardOutput, log);
            _ = PumpAsync(process.StandardError, log);
            var registry = new LocalRegistry(process, directory, port, username, password, ca);
            try
            {
                if (await registry.WaitUntilAnsweringAsync(cancellationToken))
                {
                    return registry;
                }
            }
            catch
            {
                await registry.DisposeAsync();
                throw;
            }

            await registry.DisposeAsync();
            if (attempt == 2)
            {
                throw new InvalidOperationException("docker-registry did not answer; see " + log);
            }
        }
    }

    /// <summary>An HttpClient that trusts only this registry's CA, with the registry's basic credentials (or none).</summary>
    public HttpClient CreateHttpClient(bool authenticated = true)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && ChainsToCa(cert);
        var client = new HttpClient(handler) { BaseAddress = new Uri("https://" + Host + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password)));
        }

        return client;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        _ca.Dispose();
    }

    private bool ChainsToCa(X509Certificate cert)
    {
        using var leaf = new X509Certificate2(cert);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private async Task<bool> WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var client = CreateHttpClient(authenticated: false);
        client.Timeout = TimeSpan.FromSeconds(5);
        for (var i = 0; i < 400 && !_process.HasExited; i++)
        {
            try
            {
                using var response = await client.GetAsync("v2/", cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // listening but slow to answer (a busy machine): ask again
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        return false;
    }

    private static X509Certificate2 WriteCertificates(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=tinyimage test registry CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = serverRequest.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(directory, "server.crt"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        var caPem = ca.ExportCertificatePem() + "\n";
        File.WriteAllText(Path.Combine(directory, "certs", "ca.crt"), caPem);
        var system = File.Exists("/etc/ssl/certs/ca-certificates.crt") ? File.ReadAllText("/etc/ssl/certs/ca-certificates.crt") : "";
        File.WriteAllText(Path.Combine(directory, "ca-bundle.crt"), system + "\n" + caPem);
        return ca;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task PumpAsync(StreamReader reader, string logFile)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (LogLock)
            {
                File.AppendAllText(logFile, line + "\n");
            }
        }
    }
}
