using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>Test helper: the operator Deployment runs under the restricted Pod Security Standard with its probes.</summary>
internal static class RestrictedPod
{
    public static void AssertOperatorDeployment(JsonObject deployment)
    {
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var security = container["securityContext"]!;

        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal(65532, (long)pod["securityContext"]!["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(8080, (long)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "http")!["containerPort"]!);
        Assert.Equal("metadata.namespace",
            (string?)container["env"]!.AsArray().Single(e => (string?)e!["name"] == "POD_NAMESPACE")!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("run", (string?)container["args"]![0]);
    }
}
