using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.KubeEmulator.Tests.Auth.Rbac;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>The emulator over HTTPS with its own CA, reached by KubernetesClient as a ServiceAccount from a kubeconfig or an in-cluster directory.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kube-emulator-https-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KubernetesClient_Trusts_The_Ca_From_The_Kubeconfig_And_Acts_As_The_ServiceAccount()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { Https = true });
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "reader", Rule(["list"], ["configmaps"]));
        await RoleBindingAsync(admin, "demo", "app-reader", "Role", "reader", "demo", "app");
        var path = kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"), "demo", token);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        var ct = KubeHttp.Bounded();

        var configMaps = await client.CoreV1.ListNamespacedConfigMapAsync("demo", cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync("demo", cancellationToken: ct));

        Assert.Equal("https", kube.BaseAddress.Scheme);
        Assert.NotNull(configMaps.Items);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains("secrets is forbidden: User \\u0022system:serviceaccount:demo:app\\u0022 cannot list resource", refused.Response.Content.Replace("\"", "\\u0022", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Client_That_Does_Not_Trust_The_Ca_Is_Refused_The_Connection()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { Https = true });
        using var untrusting = new HttpClient { BaseAddress = kube.BaseAddress };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri("/version", UriKind.Relative), KubeHttp.Bounded()));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
    }

    /// <summary>
    /// In-cluster configuration (KubernetesClientConfiguration.InClusterConfig; the operator's ClusterConfigLoader reads the
    /// same files itself) comes from the fixed path /var/run/secrets/kubernetes.io/serviceaccount, which a test on a shared
    /// host must not write; this builds the configuration from the written directory as InClusterConfig does from that path.
    /// </summary>
    [Fact]
    public async Task An_In_Cluster_Directory_With_Token_Ca_And_Namespace_Connects_As_The_ServiceAccount()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { Https = true });
        using var admin = kube.CreateHttpClient();
        await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "reader", Rule(["get"], ["configmaps"]));
        await RoleBindingAsync(admin, "demo", "app-reader", "Role", "reader", "demo", "app");
        await admin.PostJsonAsync("/api/v1/namespaces/demo/configmaps", KubeHttp.ConfigMap("settings", "demo"));
        var mount = Path.Combine(_dir, "serviceaccount");

        var (host, port) = kube.WriteInClusterDirectory(mount, "demo", "app");
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(Path.Combine(mount, "ca.crt"));
        var config = new KubernetesClientConfiguration
        {
            Host = new UriBuilder("https", host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).ToString(),
            TokenProvider = new k8s.Authentication.TokenFileAuth(Path.Combine(mount, "token")),
            SslCaCerts = authorities,
            Namespace = await File.ReadAllTextAsync(Path.Combine(mount, "namespace"), KubeHttp.Bounded()),
        };
        using var client = new Kubernetes(config);
        var ct = KubeHttp.Bounded();

        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", config.Namespace, cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.DeleteNamespacedConfigMapAsync("settings", config.Namespace, cancellationToken: ct));

        Assert.Equal("demo", config.Namespace);
        Assert.Equal("settings", read.Metadata.Name);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(Path.Combine(mount, "ca.crt"), ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Emulator_Listens_On_Loopback_Only()
    {
        await using var kube = await KubeHttp.StartAsync(new ApiServerEmulatorOptions { Https = true });
        var external = (await Dns.GetHostAddressesAsync(Dns.GetHostName(), KubeHttp.Bounded()))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

        Assert.Equal("127.0.0.1", kube.BaseAddress.Host);
        if (external is null)
        {
            Assert.Skip("this host has no non-loopback IPv4 address to try");
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(external, kube.Port), KubeHttp.Bounded()));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
