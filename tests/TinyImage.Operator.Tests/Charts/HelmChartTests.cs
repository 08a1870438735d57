using System.Text.Json;
using System.Text.Json.Nodes;
using TinyImage.Operator.Crd;
using TinyImage.Operator.Tests.Crd;
using TinyImage.Operator.Tests.Manifests;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Charts;

public sealed class HelmChartTests
{
    private const string Chart = "charts/tinyimage-operator";

    [Fact]
    public async Task Helm_Lint_Passes_Strict()
    {
        var result = await HelmAsync(["lint", Chart, "--strict"]);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    public static TheoryData<string, string[]> Combinations() => new()
    {
        { "defaults", [] },
        { "no CRD", ["--set", "crds.enabled=false"] },
        { "CRD not kept", ["--set", "crds.keep=false"] },
        { "two watched namespaces", ["--set", "watchNamespaces={team-a,team-b}"] },
        { "monitoring, OTLP, one replica without leader election", ["--set", "metrics.serviceMonitor.enabled=true", "--set", "otel.endpoint=http://otel-collector.observability:4317", "--set", "otel.resourceAttributes=deployment.environment=test", "--set", "leaderElection=false", "--set", "replicaCount=1"] },
        { "existing service account", ["--set", "serviceAccount.create=false", "--set", "serviceAccount.name=existing"] },
        { "a private registry CA bundle and extra flags", ["--set", "caBundle.configMap=registry-ca", "--set", "extraArgs={--concurrency=8}"] },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Every_Rendered_Object_Parses_Into_Its_Model_With_No_Unknown_Fields(string name, string[] set)
    {
        var objects = await TemplateAsync(set);

        Assert.NotEmpty(objects);
        foreach (var o in objects)
        {
            if ((string?)o["kind"] == "ServiceMonitor")
            {
                // No KubernetesClient model for prometheus-operator's CRD: check the fields it must have.
                Assert.Equal("monitoring.coreos.com/v1", (string?)o["apiVersion"]);
                Assert.Equal("http", (string?)o["spec"]!["endpoints"]![0]!["port"]);
                continue;
            }

            Assert.True(KubeObjects.HasModel(o), name + ": no model for " + KubeObjects.Key(o));
            Assert.Null(KubeObjects.RoundTripDifference(o));
        }

        RbacRules.AssertLeastPrivilege(objects);
        RestrictedPod.AssertOperatorDeployment(objects.Single(o => (string?)o["kind"] == "Deployment"));
    }

    [Fact]
    public async Task Defaults_Install_The_Kept_Crd_Equal_To_The_Generated_One_And_Cluster_Wide_Rbac()
    {
        var objects = await TemplateAsync([]);
        var crd = objects.Single(o => (string?)o["kind"] == "CustomResourceDefinition");

        Assert.Equal("keep", (string?)crd["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        var metadata = crd["metadata"]!.AsObject();
        metadata.Remove("labels");
        metadata.Remove("annotations");
        Assert.True(JsonNode.DeepEquals(CrdGenerator.Build(), crd), "the chart's CRD differs from the generated one");
        Assert.Single(objects, o => (string?)o["kind"] == "ClusterRole");
        Assert.Single(objects, o => (string?)o["kind"] == "Role" && (string?)o["metadata"]!["name"] == "t-tinyimage-operator-leader-election");
        Assert.Single(objects, o => (string?)o["kind"] == "Service");
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "ServiceMonitor");
    }

    [Fact]
    public async Task Crds_Can_Be_Left_Out_Or_Not_Kept()
    {
        var without = await TemplateAsync(["--set", "crds.enabled=false"]);
        var notKept = await TemplateAsync(["--set", "crds.keep=false"]);

        Assert.DoesNotContain(without, o => (string?)o["kind"] == "CustomResourceDefinition");
        Assert.Null(notKept.Single(o => (string?)o["kind"] == "CustomResourceDefinition")["metadata"]!["annotations"]);
    }

    [Fact]
    public async Task Watched_Namespaces_Get_Roles_Instead_Of_A_ClusterRole()
    {
        var objects = await TemplateAsync(["--set", "watchNamespaces={team-a,team-b}"]);
        var args = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray();

        Assert.DoesNotContain(objects, o => (string?)o["kind"] is "ClusterRole" or "ClusterRoleBinding");
        Assert.Equal(
            ["team-a", "team-b"],
            objects.Where(o => (string?)o["kind"] == "RoleBinding" && (string?)o["metadata"]!["name"] == "t-tinyimage-operator")
                .Select(o => (string?)o["metadata"]!["namespace"]).Order(StringComparer.Ordinal));
        Assert.Contains("--namespace=team-a,team-b", args.Select(a => (string?)a));
    }

    [Fact]
    public async Task Rbac_Rules_Equal_The_Kustomize_Role()
    {
        var chartRole = (await TemplateAsync([])).Single(o => (string?)o["kind"] == "ClusterRole");
        var kustomizeRole = YamlReader.ReadRoots(File.ReadAllText(RepoPaths.Repo("config", "rbac", "role.yaml"))).OfType<JsonObject>().Single();

        Assert.True(JsonNode.DeepEquals(kustomizeRole["rules"], chartRole["rules"]), "charts' and config/rbac's rules differ");
    }

    [Fact]
    public async Task Values_Schema_Rejects_An_Unknown_Key()
    {
        var result = await HelmAsync(["template", "t", Chart, "--set", "bogus=1"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("bogus", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_Schema_Rejects_An_Unknown_Nested_Key_And_A_Wrong_Type()
    {
        var nested = await HelmAsync(["template", "t", Chart, "--set", "image.digest=sha256:0"]);
        var type = await HelmAsync(["template", "t", Chart, "--set", "replicaCount=many"]);

        Assert.NotEqual(0, nested.ExitCode);
        Assert.NotEqual(0, type.ExitCode);
    }

    [Fact]
    public void Every_Values_Key_Declared_In_The_Schema_Is_Commented_In_Values_Yaml()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepoPaths.Repo(Chart, "values.schema.json")))!.AsObject();
        var lines = File.ReadAllLines(RepoPaths.Repo(Chart, "values.yaml"));
        var uncommented = new List<string>();
        Walk(schema, "", 0, 0);

        Assert.Empty(uncommented);

        // Looks for each key after its parent's line, at its own indent.
        void Walk(JsonObject s, string path, int indent, int from)
        {
            foreach (var (key, child) in s["properties"]?.AsObject() ?? [])
            {
                var prefix = new string(' ', indent) + key + ":";
                var index = Array.FindIndex(lines, from, l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (index <= 0 || !lines[index - 1].TrimStart().StartsWith('#'))
                {
                    uncommented.Add(path + key);
                }

                if (key != "resources" && child is JsonObject childSchema && (childSchema["additionalProperties"] as JsonValue)?.GetValue<bool>() == false)
                {
                    Walk(childSchema, path + key + ".", indent + 2, Math.Max(index, 0));
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Operator_Accepts_Every_Argument_The_Chart_Passes(bool customValues)
    {
        string[] set = customValues ? ["--set", "watchNamespaces={team-a,team-b}", "--set", "leaderElection=false", "--set", "logLevel=Debug"] : [];
        var objects = await TemplateAsync(set);
        var args = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(a => (string)a!).ToList();

        Assert.Equal("run", args[0]);
        var (parsed, error) = TinyImage.Operator.Hosting.RunArguments.Parse(args[1..], _ => null);

        Assert.True(error is null, error);
        Assert.Equal(customValues, !parsed!.Options.LeaderElection);
        Assert.Equal(customValues ? ["team-a", "team-b"] : [], parsed.Options.WatchNamespaces);
    }

    [Fact]
    public async Task Registry_Allow_And_Deny_Cidrs_Reach_The_Operator_As_Its_Outbound_Policy()
    {
        var objects = await TemplateAsync(["--set", "registry.allow={registry.kube-system.svc.cluster.local,*.internal.example,10.43.0.10/32}", "--set", "registry.denyCidrs={10.42.0.0/16,10.43.0.0/16}"]);
        var args = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(a => (string)a!).ToList();

        var (parsed, error) = TinyImage.Operator.Hosting.RunArguments.Parse(args[1..], _ => null);

        Assert.True(error is null, error);
        var policy = parsed!.Options.RegistryOutbound;
        Assert.True(policy.AllowsHost("registry.kube-system.svc.cluster.local"));
        Assert.True(policy.AllowsHost("cache.internal.example"));
        Assert.Null(policy.Refusal(System.Net.IPAddress.Parse("10.43.0.10")));
        Assert.Contains("denied cluster range 10.43.0.0/16", policy.Refusal(System.Net.IPAddress.Parse("10.43.0.11")), StringComparison.Ordinal);
        Assert.Contains("denied cluster range 10.42.0.0/16", policy.Refusal(System.Net.IPAddress.Parse("10.42.7.7")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Advisory_Database_Url_And_Refresh_Reach_The_Operator_And_Plain_Http_Is_Rejected()
    {
        const string url = "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz";
        var objects = await TemplateAsync(["--set", "advisories.database.url=" + url, "--set", "advisories.database.refresh=30m"]);
        var args = objects.Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(a => (string)a!).ToList();

        var (parsed, error) = TinyImage.Operator.Hosting.RunArguments.Parse(args[1..], _ => null);

        Assert.True(error is null, error);
        Assert.Equal(url, parsed!.Options.AdvisoryDatabaseDirectory);
        Assert.Equal(TimeSpan.FromMinutes(30), parsed.Options.AdvisoryDatabaseRefresh);
        var http = await HelmAsync(["template", "x", Chart, "--set", "advisories.database.url=http://mirror.example/db.tar.gz"]);
        Assert.NotEqual(0, http.ExitCode);
        Assert.Contains("advisories/database/url", http.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_Schema_Rejects_A_Registry_Allow_Entry_With_A_Scheme()
    {
        var result = await HelmAsync(["template", "x", Chart, "--set", "registry.allow={https://registry.example}"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("registry/allow", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Peak RSS of the NativeAOT operator at 1,000 TinyImages, measured (BENCHMARKS.md section 9, "The seventh
    /// round: main at the session's start": 59.2 MiB); the worst peak at 1,000 in any GC configuration measured (sixth
    /// round, mem: 83.0 MiB); and the extracted binaries verification may hold in memory at once, shared by all
    /// verifications (a larger binary goes to the scratch volume).</summary>
    private const double MeasuredPeakRssMiB = 59.2;
    private const double WorstPeakRssMiB = 83.0;
    private static readonly double VerificationMemoryBudgetMiB = new TinyImage.Oci.Layers.LayerLimits().MaxBinaryBytesInMemory / (1024.0 * 1024);

    [Fact]
    public async Task Memory_Request_Covers_The_Measured_Peak_At_1000_And_The_Gc_Heap_Cap_Has_Headroom()
    {
        var chart = (await TemplateAsync([])).Single(o => (string?)o["kind"] == "Deployment");
        var manager = YamlReader.ReadRoots(File.ReadAllText(RepoPaths.Repo("config", "manager", "manager.yaml"))).OfType<JsonObject>().Single(o => (string?)o["kind"] == "Deployment");

        foreach (var deployment in new[] { chart, manager })
        {
            var resources = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
            var request = new k8s.Models.ResourceQuantity((string)resources["requests"]!["memory"]!).ToDouble() / (1024 * 1024);
            var limit = new k8s.Models.ResourceQuantity((string)resources["limits"]!["memory"]!).ToDouble() / (1024 * 1024);

            Assert.True(request >= 1.25 * MeasuredPeakRssMiB, $"memory request {request} MiB leaves less than 25% over the measured peak RSS ({MeasuredPeakRssMiB} MiB)");
            Assert.True(limit * 0.75 >= WorstPeakRssMiB + VerificationMemoryBudgetMiB,
                $"the GC's default heap cap (75% of {limit} MiB) is below the worst measured peak plus the verification budget ({WorstPeakRssMiB} + {VerificationMemoryBudgetMiB} MiB)");
        }
    }

    internal static async Task<List<JsonObject>> TemplateAsync(string[] set)
    {
        var result = await HelmAsync(["template", "t", Chart, "--namespace", "tinyimage-system", .. set]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return [.. YamlReader.ReadRoots(result.Stdout).OfType<JsonObject>()];
    }

    internal static async Task<ExternalTool.Result> HelmAsync(string[] args)
    {
        var helm = ExternalTool.Find("helm", RepoPaths.Tools("bin", "helm"));
        Assert.SkipWhen(helm is null, "helm is not installed: run scripts/install-tools.sh (it puts helm in .tools/bin)");
        return await ExternalTool.RunAsync(helm!, args, RepoPaths.Root, TestContext.Current.CancellationToken);
    }
}
