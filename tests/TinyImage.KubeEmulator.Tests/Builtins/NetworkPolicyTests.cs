using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>networking.k8s.io/v1 NetworkPolicy as kube-apiserver v1.35 stores and refuses it (defaults.go, validation.go).</summary>
public sealed class NetworkPolicyTests
{
    private const string Policies = "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies";

    private static JsonObject Policy(string spec) =>
        JsonNode.Parse("""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"build"},"spec":SPEC}""".Replace("SPEC", spec, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public async Task A_Policy_Gets_Tcp_On_Ports_Without_A_Protocol_And_Policy_Types_From_Its_Rules()
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, stored) = await http.PostJsonAsync(Policies, Policy("""{"podSelector":{"matchLabels":{"app":"x"}},"egress":[{"ports":[{"port":443}],"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["169.254.0.0/16"]}}]}]}"""));
        var (ingressOnlyCode, ingressOnly) = await http.PostJsonAsync(Policies, JsonNode.Parse("""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all"},"spec":{"podSelector":{}}}""")!.AsObject());

        Assert.Equal((201, 201), (code, ingressOnlyCode));
        Assert.Equal("TCP", (string?)stored["spec"]!["egress"]![0]!["ports"]![0]!["protocol"]);
        Assert.Equal("""["Ingress","Egress"]""", stored["spec"]!["policyTypes"]!.ToJsonString());
        Assert.Equal("""["Ingress"]""", ingressOnly["spec"]!["policyTypes"]!.ToJsonString());
        Assert.Equal("{}", ingressOnly["spec"]!["podSelector"]!.ToJsonString());
        Assert.Equal(1, (int?)stored["metadata"]!["generation"]);
    }

    [Theory]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["192.168.0.0/16"]}}]}]}""", "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`")]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.0.0.0/8"]}}]}]}""", "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`")]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0"}}]}]}""", "spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"10.0.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{}]}]}""", "spec.egress[0].to[0]: Required value: must specify a peer")]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{"podSelector":{},"ipBlock":{"cidr":"10.0.0.0/8"}}]}]}""", "spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer")]
    [InlineData("""{"podSelector":{},"egress":[{"ports":[{"port":0}]}]}""", "spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData("""{"podSelector":{},"egress":[{"ports":[{"port":443,"endPort":80}]}]}""", "spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`")]
    [InlineData("""{"podSelector":{},"egress":[{"ports":[{"port":"https","endPort":500}]}]}""", "spec.egress[0].ports[0].endPort: Invalid value: 500: may not be specified when `port` is non-numeric")]
    [InlineData("""{"podSelector":{},"egress":[{"ports":[{"protocol":"ICMP","port":1}]}]}""", "spec.egress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"")]
    [InlineData("""{"podSelector":{},"policyTypes":["Ingress","Sideways"]}""", "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"")]
    [InlineData("""{"podSelector":{"matchExpressions":[{"key":"app","operator":"In"}]}}""", "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'")]
    public async Task An_Invalid_Policy_Is_Refused_With_The_Real_Servers_Words(string spec, string expected)
    {
        await using var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();

        var (code, status) = await http.PostJsonAsync(Policies, Policy(spec));

        Assert.Equal(422, code);
        Assert.Equal("NetworkPolicy.networking.k8s.io \"build\" is invalid: " + expected, (string?)status["message"]);
    }
}
