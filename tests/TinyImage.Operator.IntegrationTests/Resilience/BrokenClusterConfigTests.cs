using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Resilience;

/// <summary>
/// A cluster configuration that parses but cannot be used (a CA or client certificate that is not a
/// certificate): the <c>run</c> verb exits 1 naming the source and what is wrong, never with an unhandled
/// exception.
/// </summary>
public sealed class BrokenClusterConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("broken-config-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string> Broken() => new()
    {
        { "certificate-authority-data", "    certificate-authority-data: " + Convert.ToBase64String("not a certificate"u8.ToArray()) },
        { "client-certificate-data", "    insecure-skip-tls-verify: true\n" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task The_Run_Verb_With_An_Unusable_Kubeconfig_Exits_1_Naming_It(string what, string clusterExtra)
    {
        var user = what switch
        {
            "client-certificate-data" => "    client-certificate-data: " + Convert.ToBase64String("garbage"u8.ToArray()) + "\n    client-key-data: " + Convert.ToBase64String("garbage"u8.ToArray()),
            _ => "    token: abc",
        };
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n" + clusterExtra.TrimEnd('\n') + "\nusers:\n- name: u\n  user:\n" + user + "\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n", TestContext.Current.CancellationToken);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await RunCommand.RunAsync(["--kubeconfig", kubeconfig, "--metrics-port", "0"], (_, _) => new FakeImageVerifier(), stdout, stderr, TestContext.Current.CancellationToken);

        Assert.True(exit == 1, "exit " + exit + ": " + stderr);
        Assert.StartsWith("tinyimage-operator: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.True(stderr.ToString().Contains("certificate", StringComparison.OrdinalIgnoreCase), stderr.ToString());
    }
}
