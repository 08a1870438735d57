using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>
/// <see cref="KubeConnection.FromConfig"/> builds TLS and credentials itself (not through KubernetesClient's
/// <c>Kubernetes</c>, which links all of the package's models): one test per mode the kubeconfig and in-cluster
/// loaders produce, against a loopback TLS listener that records the client certificate and Authorization header,
/// or the emulator over HTTPS.
/// </summary>
public sealed class KubeConnectionFromConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kube-connection-").FullName;
    private readonly X509Certificate2 authority = TestPki.Authority("cluster-ca");
    private readonly X509Certificate2 otherAuthority = TestPki.Authority("some-other-ca");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        authority.Dispose();
        otherAuthority.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_Server_Signed_By_The_Configured_Ca_Is_Trusted()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        using var connection = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SslCaCerts = [authority] });

        using var response = await GetAsync(connection);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_Server_Signed_By_Another_Ca_Is_Refused()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        using var connection = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SslCaCerts = [otherAuthority], AccessToken = "secret" });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(connection));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Empty(server.Requests); // the token never reached it
    }

    [Fact]
    public void Only_The_Configured_Ca_Is_Trusted_Even_When_The_System_Would_Trust_The_Server()
    {
        using var serving = TestPki.Server(authority);

        Assert.False(ClusterTls.IsTrusted(serving, null, SslPolicyErrors.None, [otherAuthority], null));
        Assert.True(ClusterTls.IsTrusted(serving, null, SslPolicyErrors.RemoteCertificateChainErrors, [authority], null));
    }

    [Fact]
    public void The_Servers_Name_Is_Checked_Against_The_Host_Or_The_Tls_Server_Name()
    {
        using var serving = TestPki.Server(authority);
        const SslPolicyErrors misnamed = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.False(ClusterTls.IsTrusted(serving, null, misnamed, [authority], null));
        Assert.True(ClusterTls.IsTrusted(serving, null, misnamed, [authority], "localhost"));
        Assert.False(ClusterTls.IsTrusted(serving, null, SslPolicyErrors.RemoteCertificateChainErrors, [authority], "api.example.com"));
    }

    [Fact]
    public async Task Without_A_Ca_An_Untrusted_Server_Is_Refused_Unless_Tls_Verification_Is_Skipped()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        using var verifying = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString() });
        using var skipping = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SkipTlsVerify = true, SslCaCerts = [otherAuthority] });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(verifying));
        using var response = await GetAsync(skipping);

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_Client_Certificate_From_Pem_Data_Is_Presented(bool rsa)
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        var (certificate, key) = TestPki.Client("alice", rsa);
        using var connection = KubeConnection.FromConfig(new KubernetesClientConfiguration
        {
            Host = server.BaseUri.ToString(),
            SslCaCerts = [authority],
            ClientCertificateData = TestPki.Base64(certificate),
            ClientCertificateKeyData = TestPki.Base64(key),
        });

        using var response = await GetAsync(connection);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=alice, O=system:masters", Assert.Single(server.Requests).ClientSubject);
        Assert.Null(server.Requests[0].Authorization);
    }

    [Fact]
    public async Task A_Kubeconfig_With_Ca_Data_And_Client_Certificate_Files_Connects_Through_The_Packages_Loader()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        var (certificate, key) = TestPki.Client("bob", rsa: false);
        await File.WriteAllTextAsync(Path.Combine(dir, "client.crt"), certificate, Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "client.key"), key, Ct);
        var kubeconfig = Kubeconfig(server.BaseUri, "certificate-authority-data: " + TestPki.Base64(authority.ExportCertificatePem()), "client-certificate: client.crt\n    client-key: client.key");

        using var connection = KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        using var response = await GetAsync(connection);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=bob, O=system:masters", Assert.Single(server.Requests).ClientSubject);
    }

    [Fact]
    public void A_Client_Certificate_Without_Its_Key_Is_A_Named_Configuration_Error()
    {
        var (certificate, _) = TestPki.Client("carol", rsa: false);

        var error = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = "https://127.0.0.1:6443", ClientCertificateData = TestPki.Base64(certificate) }));

        Assert.Equal("the configuration has a client certificate but no client key", error.Message);
    }

    [Fact]
    public void A_Server_Address_That_Is_Not_An_Http_Url_Is_A_Named_Configuration_Error()
    {
        var error = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = "ftp://127.0.0.1" }));

        Assert.Contains("'ftp://127.0.0.1' is not an http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Bearer_Token_And_Basic_Auth_Are_Sent_As_Authorization_Headers()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        using var bearer = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SslCaCerts = [authority], AccessToken = "token-1" });
        using var basic = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SslCaCerts = [authority], Username = "admin", Password = "pa:ss" });

        (await GetAsync(bearer)).Dispose();
        (await GetAsync(basic)).Dispose();

        Assert.Equal(["Bearer token-1", "Basic " + Convert.ToBase64String("admin:pa:ss"u8.ToArray())], server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_Service_Account_Token_File_Is_Read_Again_After_A_Minute_So_A_Rotated_Token_Is_Used()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        var path = Path.Combine(dir, "token");
        await File.WriteAllTextAsync(path, "first\n", Ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var connection = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = server.BaseUri.ToString(), SslCaCerts = [authority], TokenProvider = new ServiceAccountTokenFile(path, time) });

        (await GetAsync(connection)).Dispose();
        await File.WriteAllTextAsync(path, "second\n", Ct);
        (await GetAsync(connection)).Dispose();
        time.Advance(ServiceAccountTokenFile.RereadAfter);
        (await GetAsync(connection)).Dispose();

        Assert.Equal(["Bearer first", "Bearer first", "Bearer second"], server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task An_Exec_Credential_Plugin_Supplies_The_Token()
    {
        await using var server = new TlsApiServer(TestPki.Server(authority));
        var plugin = Path.Combine(dir, "credential-plugin");
        await File.WriteAllTextAsync(plugin, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"from-the-plugin\"}}'\n", Ct);
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the plugin is a shell script");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var kubeconfig = Kubeconfig(
            server.BaseUri,
            "certificate-authority-data: " + TestPki.Base64(authority.ExportCertificatePem()),
            "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " + plugin);

        using var connection = KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        (await GetAsync(connection)).Dispose();

        Assert.Equal("Bearer from-the-plugin", Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task The_Emulators_Https_Kubeconfig_Connects_And_A_Service_Account_Token_File_Acts_As_That_Account()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, Ct);
        kube.CreateNamespace("demo");
        kube.Create("v1", "serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "app", ["namespace"] = "demo" } });
        var mount = Path.Combine(dir, "serviceaccount");
        kube.WriteInClusterDirectory(mount, "demo", "app");
        using var admin = KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(kube.WriteKubeconfig(Path.Combine(dir, "kubeconfig"))));
        using var serviceAccount = KubeConnection.FromConfig(new KubernetesClientConfiguration
        {
            Host = kube.BaseAddress.ToString(),
            SslCaCerts = Pem(Path.Combine(mount, "ca.crt")),
            TokenProvider = new ServiceAccountTokenFile(Path.Combine(mount, "token"), TimeProvider.System),
        });

        using var listed = await GetAsync(admin, "api/v1/namespaces/demo/configmaps");
        using var forbidden = await GetAsync(serviceAccount, "api/v1/namespaces/demo/secrets");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("system:serviceaccount:demo:app", await forbidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Emulator_Is_Refused_When_The_Configured_Ca_Did_Not_Sign_Its_Certificate()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, Ct);
        using var connection = KubeConnection.FromConfig(new KubernetesClientConfiguration { Host = kube.BaseAddress.ToString(), SslCaCerts = [otherAuthority] });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(connection, "api/v1/namespaces"));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
    }

    private static X509Certificate2Collection Pem(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }

    private static async Task<HttpResponseMessage> GetAsync(KubeConnection connection, string path = "api")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, path));
        return await connection.SendAsync(request, streaming: false, Ct);
    }

    private string Kubeconfig(Uri server, string clusterExtra, string userBlock)
    {
        var path = Path.Combine(dir, "kubeconfig-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {server.GetLeftPart(UriPartial.Authority)}
                {clusterExtra}
            contexts:
            - name: c
              context:
                cluster: c
                user: u
            current-context: c
            users:
            - name: u
              user:
                {userBlock}

            """);
        return path;
    }
}
