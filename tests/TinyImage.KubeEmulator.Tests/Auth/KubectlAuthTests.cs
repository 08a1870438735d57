using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>The real kubectl 1.35 over HTTPS: <c>kubectl create token</c> and <c>kubectl auth can-i</c> with a ServiceAccount's token.</summary>
public sealed class KubectlAuthTests : IDisposable
{
    private const string Setup = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: app
          namespace: demo
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: reader
          namespace: demo
        rules:
        - apiGroups: [""]
          resources: [configmaps]
          verbs: [get, list]
        """;

    private const string Binding = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: app-reader
          namespace: demo
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: reader
        subjects:
        - kind: ServiceAccount
          name: app
          namespace: demo
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-auth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Kubectl_Creates_A_Token_And_Auth_Can_I_Answers_No_Then_Yes_After_A_Binding()
    {
        KubectlRunner.SkipIfMissing();

        await using var kube = await ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { Https = true }, KubeHttp.Bounded());
        var asAdmin = new KubectlRunner(_dir, kube.WriteKubeconfig(Path.Combine(_dir, "admin")));
        await File.WriteAllTextAsync(Path.Combine(_dir, "setup.yaml"), Setup, KubeHttp.Bounded());
        await File.WriteAllTextAsync(Path.Combine(_dir, "binding.yaml"), Binding, KubeHttp.Bounded());

        var applied = await asAdmin.RunAsync("apply", "-f", "setup.yaml");
        var token = await asAdmin.RunAsync("create", "token", "app", "-n", "demo", "--duration=20m");
        Assert.True(token.Code == 0, token.Output);
        var asApp = new KubectlRunner(_dir, kube.WriteKubeconfig(Path.Combine(_dir, "app"), "demo", token.Output.Trim()));
        var canGet = await asApp.RunAsync("auth", "can-i", "get", "configmaps");
        var canDelete = await asApp.RunAsync("auth", "can-i", "delete", "configmaps");
        var cannotGetSecrets = await asApp.RunAsync("get", "secrets");
        var before = await asApp.RunAsync("auth", "can-i", "list", "configmaps", "-n", "demo");
        var bound = await asAdmin.RunAsync("apply", "-f", "binding.yaml");
        var after = await asApp.RunAsync("auth", "can-i", "list", "configmaps", "-n", "demo");
        var elsewhere = await asApp.RunAsync("auth", "can-i", "list", "configmaps", "-n", "default");
        var list = await asApp.RunAsync("auth", "can-i", "--list", "-n", "demo");

        Assert.True(applied.Code == 0, applied.Output);
        Assert.Equal(3, token.Output.Trim().Split('.').Length);
        Assert.Equal((1, "no"), (canGet.Code, canGet.Output.Trim()));
        Assert.Equal((1, "no"), (canDelete.Code, canDelete.Output.Trim()));
        Assert.Equal(1, cannotGetSecrets.Code);
        Assert.Contains("secrets is forbidden: User \"system:serviceaccount:demo:app\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\"", cannotGetSecrets.Output, StringComparison.Ordinal);
        Assert.Equal((1, "no"), (before.Code, before.Output.Trim()));
        Assert.True(bound.Code == 0, bound.Output);
        Assert.Equal((0, "yes"), (after.Code, after.Output.Trim()));
        Assert.Equal((1, "no"), (elsewhere.Code, elsewhere.Output.Trim()));
        Assert.True(list.Code == 0, list.Output);
        Assert.Matches(@"configmaps\s+\[\]\s+\[\]\s+\[get list\]", list.Output);
    }
}
