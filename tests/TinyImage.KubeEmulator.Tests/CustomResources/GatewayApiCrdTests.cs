using System.Text.Json.Nodes;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>The real Gateway API HTTPRoute CRD (tests/data/gateway-api, v1.6.1 standard channel) through the emulator.</summary>
public sealed class GatewayApiCrdTests
{
    private const string Routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";

    internal static JsonObject HttpRouteCrd() =>
        YamlJson.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "data", "gateway-api", "gateway.networking.k8s.io_httproutes.yaml")))!.AsObject();

    internal static JsonObject Route(string hostname, string path) => JsonNode.Parse($$"""
        {
          "apiVersion": "gateway.networking.k8s.io/v1",
          "kind": "HTTPRoute",
          "metadata": { "name": "hello", "namespace": "default" },
          "spec": {
            "parentRefs": [ { "name": "public", "namespace": "gateways", "sectionName": "https" } ],
            "hostnames": [ "{{hostname}}" ],
            "rules": [ {
              "matches": [ { "path": { "type": "PathPrefix", "value": "{{path}}" } } ],
              "backendRefs": [ { "name": "hello", "port": 3000 } ]
            } ]
          }
        }
        """)!.AsObject();

    [Fact]
    public async Task The_Real_HttpRoute_Crd_Is_Accepted_And_A_Route_To_A_Service_Is_Stored()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, body) = await http.PostJsonAsync(Crds.Path, HttpRouteCrd());
        Assert.True(code == 201, body.ToJsonString()[..Math.Min(2000, body.ToJsonString().Length)]);

        var (created, route) = await http.PostJsonAsync(Routes, Route("hello.apps.example.com", "/"));
        Assert.True(created == 201, route.ToJsonString());
        Assert.Equal("gateway.networking.k8s.io", (string?)route["spec"]!["parentRefs"]![0]!["group"]);
        Assert.Equal("Gateway", (string?)route["spec"]!["parentRefs"]![0]!["kind"]);
    }

    [Fact]
    public async Task The_Real_HttpRoute_Crd_Refuses_A_Path_With_A_Double_Slash_By_Its_Own_Rule()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, HttpRouteCrd())).Code);

        var (code, body) = await http.PostJsonAsync(Routes, Route("hello.apps.example.com", "/a//b"));

        Assert.Equal(422, code);
        Assert.Contains("spec.rules[0].matches[0].path: Invalid value: \"object\": must not contain '//'", (string?)body["message"], StringComparison.Ordinal);
    }
}
