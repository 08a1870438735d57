using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>
/// What a person types works against the emulator as against kube-apiserver: kubectl's generators (which send
/// protobuf), <c>kubectl apply</c> with its default validation (server-side, <c>fieldValidation=Strict</c>, chosen from
/// the OpenAPI v3 document), and <c>kubectl explain</c> of a custom resource.
/// </summary>
public sealed class KubectlAsTypedTests : IDisposable
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.dev
        spec:
          group: example.dev
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    properties:
                      size:
                        type: integer
                        description: How big the widget is, in units.
                      ports:
                        type: array
                        items:
                          type: object
                          properties:
                            containerPort: {type: integer}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-typed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Kubectl_Create_Namespace_Configmap_From_File_And_Docker_Registry_Secret_Succeed_With_Protobuf_Bodies()
    {
        KubectlRunner.SkipIfMissing();
        await using var kube = await KubeHttp.StartAsync();
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var kubectl = new KubectlRunner(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "main.rs"), "fn main() {}\n", KubeHttp.Bounded());

        var ns = await kubectl.RunAsync("create", "namespace", "team-a");
        var cm = await kubectl.RunAsync("create", "configmap", "src", "-n", "team-a", "--from-file=main.rs", "--from-literal=mode=fast");
        var secret = await kubectl.RunAsync("create", "secret", "docker-registry", "push", "-n", "team-a",
            "--docker-server=registry.example", "--docker-username=u", "--docker-password=p");
        var sa = await kubectl.RunAsync("create", "serviceaccount", "builder", "-n", "team-a");

        Assert.Equal((0, "namespace/team-a created"), (ns.Code, ns.Output.Trim()));
        Assert.Equal((0, "configmap/src created"), (cm.Code, cm.Output.Trim()));
        Assert.Equal((0, "secret/push created"), (secret.Code, secret.Output.Trim()));
        Assert.Equal((0, "serviceaccount/builder created"), (sa.Code, sa.Output.Trim()));
        var storedCm = kube.Get("v1", "configmaps", "team-a", "src").Body;
        Assert.Equal("fn main() {}\n", (string?)storedCm["data"]!["main.rs"]);
        Assert.Equal("fast", (string?)storedCm["data"]!["mode"]);
        Assert.Null(storedCm["metadata"]!["generateName"]); // Go's omitempty: empty strings of the protobuf body are not stored
        var storedSecret = kube.Get("v1", "secrets", "team-a", "push").Body;
        Assert.Equal("kubernetes.io/dockerconfigjson", (string?)storedSecret["type"]);
        var config = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)storedSecret["data"]![".dockerconfigjson"]!));
        Assert.Contains("\"registry.example\"", config, StringComparison.Ordinal);
        Assert.Equal(200, kube.Get("v1", "namespaces", null, "team-a").Code);
    }

    [Fact]
    public async Task Kubectl_Apply_Validates_On_The_Server_And_Refuses_An_Unknown_Field_With_The_Real_Message()
    {
        KubectlRunner.SkipIfMissing();
        await using var kube = await KubeHttp.StartAsync();
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var kubectl = new KubectlRunner(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "crd.yaml"), Crd, KubeHttp.Bounded());
        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.yaml"), """
            apiVersion: example.dev/v1
            kind: Widget
            metadata: {name: w}
            spec:
              size: 1
              colour: red
              ports: [{containerPort: 80, hostPort: 81}]
            """, KubeHttp.Bounded());
        await File.WriteAllTextAsync(Path.Combine(_dir, "cm.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: b}
            spec: {}
            """, KubeHttp.Bounded());

        var crd = await kubectl.RunAsync("apply", "-f", "crd.yaml");
        var established = await kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=20s", "crd/widgets.example.dev");
        var bad = await kubectl.RunAsync("apply", "-f", "bad.yaml");
        var cm = await kubectl.RunAsync("apply", "-f", "cm.yaml");
        var warned = await kubectl.RunAsync("apply", "--validate=warn", "-f", "cm.yaml");

        Assert.True(crd.Code == 0 && established.Code == 0, crd.Output + established.Output);
        Assert.Equal(1, bad.Code);
        Assert.Contains("""Error from server (BadRequest): error when creating "bad.yaml": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour", unknown field "spec.ports[0].hostPort" """.Trim(), bad.Output, StringComparison.Ordinal);
        Assert.Equal(404, kube.Get("example.dev/v1", "widgets", "default", "w").Code);
        Assert.Equal(1, cm.Code);
        Assert.Contains("""ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec" """.Trim(), cm.Output, StringComparison.Ordinal);
        Assert.Equal(0, warned.Code);
        Assert.Contains("Warning: unknown field \"spec\"", warned.Output, StringComparison.Ordinal);
        Assert.Contains("configmap/c created", warned.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_Explain_Reads_A_Custom_Resource_Schema_From_OpenApi_V3()
    {
        KubectlRunner.SkipIfMissing();
        await using var kube = await KubeHttp.StartAsync();
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var kubectl = new KubectlRunner(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "crd.yaml"), Crd, KubeHttp.Bounded());
        await kubectl.RunAsync("apply", "-f", "crd.yaml");
        await kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=20s", "crd/widgets.example.dev");

        var explained = await kubectl.RunAsync("explain", "widget.spec");

        Assert.True(explained.Code == 0, explained.Output);
        Assert.Contains("KIND:       Widget", explained.Output, StringComparison.Ordinal);
        Assert.Contains("What the widget should be.", explained.Output, StringComparison.Ordinal);
        Assert.Matches(@"size\s+<integer>\s+How big the widget is, in units\.", explained.Output);
    }
}
