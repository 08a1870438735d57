using System.Text.Json.Nodes;
using TinyImage.Operator.Crd;
using TinyImage.Operator.Tests.Manifests;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Kustomize;

public sealed class KustomizeTests
{
    [Fact]
    public async Task Config_Default_Renders_And_Every_Object_Parses_Into_Its_Model_With_No_Unknown_Fields()
    {
        var objects = await KustomizeAsync("config/default");

        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Deployment", "Namespace", "Role", "RoleBinding", "Service", "ServiceAccount"],
            objects.Select(o => (string?)o["kind"]).Order(StringComparer.Ordinal));
        foreach (var o in objects)
        {
            Assert.True(KubeObjects.HasModel(o), "no model for " + KubeObjects.Key(o));
            Assert.Null(KubeObjects.RoundTripDifference(o));
        }
    }

    [Fact]
    public async Task Config_Default_Puts_Everything_In_Tinyimage_System_With_The_Prefix()
    {
        var objects = await KustomizeAsync("config/default");

        Assert.Equal("tinyimage-system", (string?)objects.Single(o => (string?)o["kind"] == "Namespace")["metadata"]!["name"]);
        Assert.All(
            objects.Where(o => (string?)o["kind"] is not ("Namespace" or "CustomResourceDefinition" or "ClusterRole" or "ClusterRoleBinding")),
            o => Assert.Equal("tinyimage-system", (string?)o["metadata"]!["namespace"]));
        Assert.All(
            objects.Where(o => (string?)o["kind"] != "CustomResourceDefinition"),
            o => Assert.StartsWith("tinyimage-", (string?)o["metadata"]!["name"], StringComparison.Ordinal));
        var binding = objects.Single(o => (string?)o["kind"] == "ClusterRoleBinding");
        Assert.Equal("tinyimage-controller-manager", (string?)binding["subjects"]![0]!["name"]);
        Assert.Equal("tinyimage-system", (string?)binding["subjects"]![0]!["namespace"]);
        Assert.Equal("tinyimage-manager-role", (string?)binding["roleRef"]!["name"]);
    }

    [Fact]
    public async Task Rbac_Has_No_Wildcards_And_Secrets_Are_Only_Read()
    {
        var objects = await KustomizeAsync("config/default");

        RbacRules.AssertLeastPrivilege(objects);
        var leaderElection = objects.Single(o => (string?)o["kind"] == "Role");
        Assert.Equal(["get", "create", "update"], RbacRules.Strings(leaderElection["rules"]![0]!.AsObject(), "verbs"));
        Assert.Equal(["leases"], RbacRules.Strings(leaderElection["rules"]![0]!.AsObject(), "resources"));
    }

    [Fact]
    public async Task Manager_Runs_Restricted_With_Probes()
    {
        var objects = await KustomizeAsync("config/default");

        RestrictedPod.AssertOperatorDeployment(objects.Single(o => (string?)o["kind"] == "Deployment"));
        Assert.Equal("restricted", (string?)objects.Single(o => (string?)o["kind"] == "Namespace")["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public async Task The_Crd_In_Config_Default_Is_The_Generated_One()
    {
        var crd = (await KustomizeAsync("config/default")).Single(o => (string?)o["kind"] == "CustomResourceDefinition");
        crd["metadata"]!.AsObject().Remove("labels");

        Assert.True(JsonNode.DeepEquals(CrdGenerator.Build(), crd));
    }

    [Fact]
    public async Task Config_Samples_Renders_When_The_Samples_Exist()
    {
        var kustomization = YamlReader.ReadRoots(File.ReadAllText(RepoPaths.Repo("config", "samples", "kustomization.yaml"))).OfType<JsonObject>().Single();
        var missing = kustomization["resources"]!.AsArray().Select(r => (string)r!).Where(r => !File.Exists(RepoPaths.Repo("config", "samples", r))).ToList();
        Assert.SkipWhen(missing.Count > 0, "config/samples does not hold " + string.Join(", ", missing) + " yet");

        var objects = await KustomizeAsync("config/samples");

        Assert.Contains(objects, o => (string?)o["kind"] == "TinyImage");
    }

    private static async Task<List<JsonObject>> KustomizeAsync(string dir)
    {
        var kubectl = ExternalTool.Find("kubectl", RepoPaths.Tools("bin", "kubectl"));
        Assert.SkipWhen(kubectl is null, "kubectl is not installed: run scripts/install-tools.sh (it puts kubectl in .tools/bin)");
        var result = await ExternalTool.RunAsync(kubectl!, ["kustomize", dir], RepoPaths.Root, TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return [.. YamlReader.ReadRoots(result.Stdout).OfType<JsonObject>()];
    }
}
