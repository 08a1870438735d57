using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>networking.k8s.io/v1 Ingress validation as Kubernetes v1.35 applies it (pkg/apis/networking/validation).</summary>
public sealed class IngressValidationTests
{
    private const string Path = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";

    private static JsonObject Ingress(string host, string path, string? pathType = "Prefix", JsonObject? port = null) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = new JsonObject { ["name"] = "hello", ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["ingressClassName"] = "nginx",
            ["rules"] = new JsonArray(new JsonObject
            {
                ["host"] = host,
                ["http"] = new JsonObject
                {
                    ["paths"] = new JsonArray(new JsonObject
                    {
                        ["path"] = path,
                        ["pathType"] = pathType,
                        ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = "hello", ["port"] = port ?? new JsonObject { ["number"] = 3000 } } },
                    }),
                },
            }),
        },
    };

    [Fact]
    public async Task A_Prefix_Ingress_To_A_Service_Port_Is_Stored_With_Its_Generation()
    {
        await using var kube = await KubeHttp.StartAsync();
        var (code, body) = await kube.CreateHttpClient().PostJsonAsync(Path, Ingress("hello.apps.example.com", "/"));

        Assert.True(code == 201, body.ToJsonString());
        Assert.Equal(1, (long?)body["metadata"]!["generation"]);
        Assert.Equal(3000, (long?)body["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["port"]!["number"]);
    }

    public static TheoryData<string, string, string?, string?, string> Refused() => new()
    {
        { "hello.apps.example.com", "/a//b", "Prefix", null, "spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'" },
        { "hello.apps.example.com", "/a/..", "Exact", null, "cannot end with '/..'" },
        { "hello.apps.example.com", "api", "Prefix", null, "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path" },
        { "hello.apps.example.com", "/", null, null, "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified" },
        { "hello.apps.example.com", "/", "Regex", null, "spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\"" },
        { "10.0.0.1", "/", "Prefix", null, "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address" },
        { "Hello.Example.com", "/", "Prefix", null, "spec.rules[0].host: Invalid value: \"Hello.Example.com\": a lowercase RFC 1123 subdomain" },
        { "hello.apps.example.com", "/", "Prefix", "both", "cannot set both port name & port number" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_Ingress_Kubernetes_Refuses_Is_Refused_With_Its_Message(string host, string path, string? pathType, string? port, string expected)
    {
        await using var kube = await KubeHttp.StartAsync();
        var ingress = Ingress(host, path, pathType, port == "both" ? new JsonObject { ["name"] = "http", ["number"] = 80 } : null);
        if (pathType is null)
        {
            ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!.AsObject().Remove("pathType");
        }

        var (code, body) = await kube.CreateHttpClient().PostJsonAsync(Path, ingress);

        Assert.Equal(422, code);
        Assert.Contains(expected, (string?)body["message"], StringComparison.Ordinal);
    }
}
