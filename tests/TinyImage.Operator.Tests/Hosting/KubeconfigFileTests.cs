using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Exceptions;
using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

/// <summary>
/// The operator's own kubeconfig reader (<see cref="KubeconfigFile"/>) against KubernetesClient's
/// <c>BuildConfigFromConfigFile</c>, which it replaces in the NativeAOT binary: every kubeconfig below gives both the
/// same configuration, or both refuse it with the same message.
/// </summary>
public sealed class KubeconfigFileTests : IDisposable
{
    private static readonly string CaPem = NewCaPem();
    private readonly string dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string?> Kubeconfigs() => new()
    {
        { Config("    server: https://10.0.0.1:6443\n    certificate-authority-data: " + B64(CaPem), "    token: abc"), null },
        { Config("    server: https://example.test\n    certificate-authority: ca.crt\n    tls-server-name: kubernetes", "    client-certificate: certs/client.crt\n    client-key: certs/client.key"), null },
        { Config("    server: https://0.0.0.0:6443\n    insecure-skip-tls-verify: true", "    username: admin\n    password: secret"), null },
        { Config("    server: https://[::]:6443\n    insecure-skip-tls-verify: \"false\"", "    token: t\n    client-certificate-data: Y2VydA==\n    client-key-data: a2V5"), null },
        { Config("    server: http://127.0.0.1:8080\n    certificate-authority-data: " + B64(CaPem), "    token: \"\"\n    username: u\n    password: p", ns: "builds"), null },
        { Config("    server: https://10.0.0.1", "    token: abc") + "- name: other\n  context:\n    cluster: C\n    user: U\n    namespace: other-ns\n", "OTHER" },
        { Config("    server: https://10.0.0.1", "    token: abc"), "missing" },
        { Config("    server: https://10.0.0.1", "    token: abc", user: ""), null },
        { Config("    server: https://10.0.0.1", "    token: abc", user: "nobody"), null },
        { Config("    server: https://10.0.0.1", "    username: only-a-name"), null },
        { Config("    server: https://10.0.0.1", "    client-certificate-data: Y2VydA=="), null },
        { Config("    insecure-skip-tls-verify: true", "    token: abc"), null },
        { Config("    server: not a url", "    token: abc"), null },
        { Config("    server: https://10.0.0.1", "    token: abc", cluster: "nowhere"), null },
        { Config("    server: https://10.0.0.1", "    token: abc", cluster: ""), null },
        { Config("    server: https://10.0.0.1", "    token: abc") + "- name: bare\n", "bare" },
        { Config("    server: https://10.0.0.1", "    token: abc") + "- name: d\n  context:\n    cluster: c\n", "d" },
        { Config("    server: https://10.0.0.1", "    token: abc", user: "nobody") + "- name: Mixed\n  context:\n    cluster: c\n    user: nobody\n", "mIXED" },
        { Config("    server: https://10.0.0.1", "    token: abc").Replace("- name: u\n  user:\n    token: abc\n", "- name: u\n", StringComparison.Ordinal), null },
        { Config("    server: https://10.0.0.1", "    token: abc").Replace("- name: c\n  cluster:\n    server: https://10.0.0.1\n", "- name: c\n", StringComparison.Ordinal), null },
        { Config("    server: https://10.0.0.1", "    token: abc").Replace("current-context: c\n", "", StringComparison.Ordinal), null },
        { Config("    server: https://10.0.0.1", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      args: [a]"), null },
        { Config("    server: https://10.0.0.1", "    exec:\n      command: plugin"), null },
    };

    [Theory]
    [MemberData(nameof(Kubeconfigs))]
    public void Reads_A_Kubeconfig_As_KubernetesClient_Does(string kubeconfig, string? context)
    {
        var path = Write(kubeconfig);

        // Where the package means the context it prints its model's type name; the operator names the context.
        var expected = Outcome(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context)).Replace("`k8s.KubeConfigModels.Context`", "`c`", StringComparison.Ordinal);
        var actual = Outcome(() => KubeconfigFile.Read(path, context));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Relative_Certificate_Paths_Are_Relative_To_The_Kubeconfig_And_The_Ca_File_Is_Read()
    {
        var path = Write(Config("    server: https://example.test\n    certificate-authority: ca.crt", "    client-certificate: certs/client.crt\n    client-key: /abs/client.key"));

        var config = KubeconfigFile.Read(path, null);

        Assert.Equal(Path.Combine(dir, "certs/client.crt"), config.ClientCertificateFilePath);
        Assert.Equal("/abs/client.key", config.ClientKeyFilePath);
        using var ca = X509Certificate2.CreateFromPem(CaPem);
        Assert.Equal(ca.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void An_Exec_Plugin_Is_Run_Once_And_Then_Asked_For_Each_Token()
    {
        var plugin = Path.Combine(dir, "plugin.sh");
        File.WriteAllText(plugin, "#!/bin/sh\necho \"$1 $GREETING\" >> " + Path.Combine(dir, "calls") + "\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"from-plugin\"}}'\n");
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the plugin is a shell script");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Write(Config("    server: https://10.0.0.1", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " + plugin + "\n      args: [first]\n      env:\n      - name: GREETING\n        value: hello"));

        var config = KubeconfigFile.Read(path, null);

        Assert.Equal("from-plugin", config.AccessToken);
        Assert.IsType<k8s.Authentication.ExecTokenProvider>(config.TokenProvider);
        Assert.Equal("first hello\n", File.ReadAllText(Path.Combine(dir, "calls")));
        Assert.Equal(Describe(KubernetesClientConfiguration.BuildConfigFromConfigFile(path)), Describe(config));
    }

    [Theory]
    [InlineData("current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: c\nclusters: {}\n", "clusters is not a list")]
    [InlineData("current-context: c\ncontexts:\n- name: c\n  context: [a]\n", "contexts c is not a map")]
    [InlineData("clusters: [\n", "not YAML")]
    [InlineData("", "the file is empty")]
    public void A_File_That_Is_Not_A_Kubeconfig_Is_Refused_Saying_Why(string text, string message)
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Read(Write(text), null));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("gcp")]
    public void A_Retired_Auth_Provider_Is_Refused_Naming_Its_Plugin(string provider)
    {
        var path = Write(Config("    server: https://10.0.0.1", "    auth-provider:\n      name: " + provider + "\n      config:\n        access-token: t"));

        var expected = Assert.ThrowsAny<Exception>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        var error = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Read(path, null));

        // The same words, as an error the loader reports as tried (the package's plain Exception is not one).
        Assert.Equal(expected.Message.TrimEnd('`'), error.Message);
    }

    [Fact]
    public void The_Loader_Reports_A_Kubeconfig_It_Cannot_Read_As_Tried()
    {
        var path = Write("current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: c\nclusters: {}\n");

        var (config, _, tried) = ClusterConfigLoader.Load(path, null, _ => null);

        Assert.Null(config);
        Assert.Equal("--kubeconfig " + path + ": clusters is not a list", Assert.Single(tried));
    }

    private string Write(string text)
    {
        Directory.CreateDirectory(Path.Combine(dir, "certs"));
        File.WriteAllText(Path.Combine(dir, "ca.crt"), CaPem);
        var path = Path.Combine(dir, "config-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A kubeconfig with one cluster <c>c</c>, one user <c>u</c> and the context <c>c</c> (current) naming <paramref name="cluster"/> and <paramref name="user"/>; contexts come last, so more can be appended.</summary>
    private static string Config(string clusterBody, string userBody, string ns = "", string cluster = "c", string user = "u") =>
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n" + clusterBody + "\nusers:\n- name: u\n  user:\n" + userBody
        + "\ncontexts:\n- name: c\n  context:\n    cluster: " + cluster + "\n    user: " + user + (ns.Length == 0 ? "" : "\n    namespace: " + ns) + "\n";

    private static string Outcome(Func<KubernetesClientConfiguration> load)
    {
        try
        {
            return Describe(load());
        }
        catch (KubeConfigException error)
        {
            return "error: " + error.Message;
        }
    }

    private static string Describe(KubernetesClientConfiguration c) => string.Join(
        "\n",
        "host=" + c.Host,
        "skip=" + c.SkipTlsVerify,
        "tls-server-name=" + c.TlsServerName,
        "ca=" + string.Join(",", (c.SslCaCerts ?? []).Select(x => x.Thumbprint)),
        "token=" + c.AccessToken,
        "user=" + c.Username + ":" + c.Password,
        "cert-data=" + c.ClientCertificateData + "/" + c.ClientCertificateKeyData,
        "cert-files=" + c.ClientCertificateFilePath + "/" + c.ClientKeyFilePath,
        "namespace=" + c.Namespace,
        "token-provider=" + c.TokenProvider?.GetType().Name);

    private static string B64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static string NewCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubeconfig-test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
