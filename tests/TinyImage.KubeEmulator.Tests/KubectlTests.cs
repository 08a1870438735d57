using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests;

/// <summary>The real kubectl 1.35 (from scripts/install-tools.sh) against the emulator, with its default validation.</summary>
public sealed class KubectlTests : IDisposable
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gizmos.example.dev
        spec:
          group: example.dev
          scope: Namespaced
          names:
            kind: Gizmo
            plural: gizmos
            singular: gizmo
            shortNames: [gz]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """;

    private const string Sample = """
        apiVersion: example.dev/v1alpha1
        kind: Gizmo
        metadata:
          name: demo
        spec:
          size: 1
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-emulator-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Kubectl_Applies_A_Crd_And_An_Object_Gets_Waits_For_Ready_And_Deletes()
    {
        KubectlRunner.SkipIfMissing();
        var kubectl = new KubectlRunner(_dir);

        await using var kube = await ApiServerEmulator.StartAsync(cancellationToken: KubeHttp.Bounded());
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "crd.yaml"), Crd, KubeHttp.Bounded());
        await File.WriteAllTextAsync(Path.Combine(_dir, "sample.yaml"), Sample, KubeHttp.Bounded());

        var version = await kubectl.RunAsync("version", "-o", "json");
        var crd = await kubectl.RunAsync("apply", "-f", "crd.yaml");
        var established = await kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=20s", "crd/gizmos.example.dev");
        var created = await kubectl.RunAsync("apply", "-f", "sample.yaml");
        var unchanged = await kubectl.RunAsync("apply", "-f", "sample.yaml");
        await File.WriteAllTextAsync(Path.Combine(_dir, "sample.yaml"), Sample.Replace("size: 1", "size: 2", StringComparison.Ordinal), KubeHttp.Bounded());
        var configured = await kubectl.RunAsync("apply", "-f", "sample.yaml");
        var table = await kubectl.RunAsync("get", "gz");

        var waiting = kubectl.RunAsync("wait", "--for=condition=Ready", "--timeout=20s", "gizmo/demo");
        var watching = await KubeHttp.EventuallyAsync(() => kube.Requests.Count("watch", "gizmos") > 0, TimeSpan.FromSeconds(20));
        kube.MutateStatus("example.dev/v1alpha1", "gizmos", "default", "demo", o =>
            o["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "Demo" }) });
        var waited = await waiting;
        var ready = await kubectl.RunAsync("get", "gizmos", "demo", "-o", "jsonpath={.status.conditions[0].status} {.metadata.generation}");
        var deleted = await kubectl.RunAsync("delete", "-f", "sample.yaml");

        Assert.True(version.Code == 0, version.Output);
        Assert.Contains("\"minor\": \"35\"", version.Output, StringComparison.Ordinal);
        Assert.Equal((0, "customresourcedefinition.apiextensions.k8s.io/gizmos.example.dev created"), (crd.Code, crd.Output.Trim()));
        Assert.True(established.Code == 0, established.Output);
        Assert.Equal((0, "gizmo.example.dev/demo created"), (created.Code, created.Output.Trim()));
        Assert.Equal((0, "gizmo.example.dev/demo unchanged"), (unchanged.Code, unchanged.Output.Trim()));
        Assert.Equal((0, "gizmo.example.dev/demo configured"), (configured.Code, configured.Output.Trim()));
        Assert.True(table.Code == 0, table.Output);
        Assert.Matches(@"^NAME\s+READY\s+AGE\s*\ndemo\s+\d+s", table.Output);
        Assert.True(watching, "kubectl wait never opened a watch");
        Assert.True(waited.Code == 0, waited.Output);
        Assert.Equal("gizmo.example.dev/demo condition met", waited.Output.Trim());
        Assert.Equal((0, "True 2"), (ready.Code, ready.Output.Trim()));
        Assert.True(deleted.Code == 0, deleted.Output);
        Assert.Contains("gizmo.example.dev \"demo\" deleted", deleted.Output, StringComparison.Ordinal);
        Assert.Equal(404, kube.Get("example.dev/v1alpha1", "gizmos", "default", "demo").Code);
        Assert.Empty(kube.BackgroundErrors);
    }

    [Fact]
    public async Task Kubectl_Asks_For_Gzip_And_Reads_An_Answer_Above_128_KiB_That_The_Emulator_Compressed()
    {
        // APIResponseCompression: kubectl's Go transport adds Accept-Encoding: gzip below its logging round tripper and
        // decompresses transparently, dropping Content-Encoding from what it logs; the Vary: Accept-Encoding the server adds
        // to a compressed answer stays in its -v=8 log. So an answer above 128 KiB reaches kubectl compressed and reads as
        // the object, and a small one goes plain.
        KubectlRunner.SkipIfMissing();
        var kubectl = new KubectlRunner(_dir);
        await using var kube = await ApiServerEmulator.StartAsync(cancellationToken: KubeHttp.Bounded());
        kube.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        var value = new string('x', 200 * 1024);
        var http = kube.CreateHttpClient();
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", KubeHttp.ConfigMap("big", data: new Dictionary<string, string> { ["k"] = value }));
        await http.PostJsonAsync("/api/v1/namespaces/default/configmaps", KubeHttp.ConfigMap("small", data: new Dictionary<string, string> { ["k"] = "v" }));

        var big = await kubectl.RunAsync("get", "configmap", "big", "-o", "jsonpath={.data.k}", "-v=8");
        var small = await kubectl.RunAsync("get", "configmap", "small", "-o", "jsonpath={.data.k}", "-v=8");

        Assert.True(big.Code == 0, big.Output.Length > 2000 ? big.Output[..2000] : big.Output);
        Assert.Contains(value, big.Output, StringComparison.Ordinal);
        Assert.Matches(@"Vary: Accept-Encoding", big.Output);
        Assert.True(small.Code == 0, small.Output);
        Assert.DoesNotMatch(@"Vary: Accept-Encoding", small.Output);
        Assert.Empty(kube.BackgroundErrors);
    }
}
