using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Kube;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

/// <summary>The in-cluster branch of the loader (the chart's mode), from a service-account directory the emulator writes as a kubelet would.</summary>
public sealed class ClusterConfigLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cluster-config-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task In_Cluster_The_Operator_Trusts_The_Mounted_Ca_And_Acts_As_Its_Service_Account_With_The_Rotated_Token()
    {
        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, Ct);
        kube.CreateNamespace("tinyimage-system");
        kube.Create("v1", "serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "operator", ["namespace"] = "tinyimage-system" } });
        kube.Create("v1", "serviceaccounts", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "rotated", ["namespace"] = "tinyimage-system" } });
        var mount = Path.Combine(dir, "serviceaccount");
        var (host, port) = kube.WriteInClusterDirectory(mount, "tinyimage-system", "operator");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = host, ["KUBERNETES_SERVICE_PORT"] = port, ["HOME"] = dir };

        var (config, source, _) = ClusterConfigLoader.Load(null, null, n => environment.GetValueOrDefault(n), mount, time);
        using var connection = KubeConnection.FromConfig(config!);
        var first = await ForbiddenUserAsync(connection);
        await File.WriteAllTextAsync(Path.Combine(mount, "token"), kube.CreateToken("tinyimage-system", "rotated"), Ct);
        time.Advance(ServiceAccountTokenFile.RereadAfter);
        var second = await ForbiddenUserAsync(connection);

        Assert.Equal("in-cluster service account", source);
        Assert.Equal("tinyimage-system", config!.Namespace);
        Assert.Contains("system:serviceaccount:tinyimage-system:operator", first, StringComparison.Ordinal);
        Assert.Contains("system:serviceaccount:tinyimage-system:rotated", second, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Mounted_Ca_That_Is_Not_A_Certificate_Is_Reported_As_Tried()
    {
        var mount = Path.Combine(dir, "serviceaccount");
        Directory.CreateDirectory(mount);
        File.WriteAllText(Path.Combine(mount, "token"), "t");
        File.WriteAllText(Path.Combine(mount, "ca.crt"), "not a certificate");
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443", ["HOME"] = dir };

        var (config, _, tried) = ClusterConfigLoader.Load(null, null, n => environment.GetValueOrDefault(n), mount, TimeProvider.System);

        Assert.Null(config);
        Assert.Contains("in-cluster: no certificate in " + Path.Combine(mount, "ca.crt"), tried);
    }

    private static async Task<string> ForbiddenUserAsync(KubeConnection connection)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, "api/v1/namespaces/tinyimage-system/secrets"));
        using var response = await connection.SendAsync(request, streaming: false, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
