using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using TinyImage.KubeEmulator;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Hosting;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Kube;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.IntegrationTests.Rbac;

/// <summary>
/// The operator's RBAC as it ships, rendered with the real tools (kubectl kustomize config/default, or helm template of
/// the chart), applied to the emulator as an admin would, and an operator that connects as that ServiceAccount.
/// </summary>
internal static class RenderedRbac
{
    public const string OperatorNamespace = "tinyimage-system";

    /// <summary>The rendered objects, the ServiceAccount's name and the namespaces the operator watches.</summary>
    public static async Task<(IReadOnlyList<JsonObject> Objects, string ServiceAccount, IReadOnlyList<string> Watch)> RenderAsync(string source, string workDir)
    {
        string yaml;
        IReadOnlyList<string> watch = [];
        if (source.StartsWith("kustomize", StringComparison.Ordinal))
        {
            yaml = await RunAsync(workDir, "kubectl", "kustomize", RepoPaths.Repo("config", "default"));
        }
        else
        {
            List<string> args = ["template", "tinyimage", RepoPaths.Repo("charts", "tinyimage-operator"), "--namespace", OperatorNamespace];
            if (source.Contains("watchNamespaces", StringComparison.Ordinal))
            {
                args.AddRange(["--set", "watchNamespaces={demo}"]);
                watch = [OperatorHarness.Namespace];
            }

            yaml = await RunAsync(workDir, "helm", [.. args]);
        }

        var objects = YamlJson.ParseAll(yaml).OfType<JsonObject>().ToList();
        var serviceAccount = objects.Where(o => (string?)o["kind"] == "ServiceAccount").Select(o => (string)o["metadata"]!["name"]!).Single();
        return (objects, serviceAccount, watch);
    }

    /// <summary>The ServiceAccount and RBAC objects of the rendered manifests, created as an admin applying them would.</summary>
    public static List<string> Apply(ApiServerEmulator kube, IReadOnlyList<JsonObject> rendered)
    {
        var kinds = new List<string>();
        foreach (var o in rendered)
        {
            var kind = (string?)o["kind"];
            var plural = kind switch
            {
                "ServiceAccount" => "serviceaccounts",
                "Role" => "roles",
                "ClusterRole" => "clusterroles",
                "RoleBinding" => "rolebindings",
                "ClusterRoleBinding" => "clusterrolebindings",
                _ => null,
            };
            if (plural is null)
            {
                continue;
            }

            var result = kube.Create((string)o["apiVersion"]!, plural, o);
            Assert.True(result.IsSuccess, kind + ": " + result.Body.ToJsonString());
            kinds.Add(kind!);
        }

        return kinds;
    }

    /// <summary>
    /// Applies the RBAC of <c>config/default</c> without the rules that <paramref name="grants"/> picks (asserting the
    /// shipped RBAC has such a rule: <paramref name="shipped"/> says which), and returns a kubeconfig for the operator's
    /// ServiceAccount token.
    /// </summary>
    public static async Task<string> ApplyWithoutAsync(OperatorHarness h, string workDir, Func<JsonObject, bool> grants, string shipped)
    {
        var (rendered, serviceAccount, _) = await RenderAsync("kustomize config/default", workDir);
        var without = rendered.Select(o => WithoutRules(o, grants)).ToList();
        Assert.True(Rules(without) < Rules(rendered), shipped);
        Apply(h.Kube, without);
        var token = h.Kube.CreateToken(OperatorNamespace, serviceAccount);
        return h.Kube.WriteKubeconfig(Path.Combine(workDir, "kubeconfig"), OperatorNamespace, token);
    }

    /// <summary>True when a rule's list <paramref name="field"/> (resources, apiGroups, verbs) names <paramref name="value"/>.</summary>
    public static bool Names(JsonObject rule, string field, string value) => (rule[field] as JsonArray ?? []).Any(x => (string?)x == value);

    /// <summary>An operator connecting through a kubeconfig with the ServiceAccount's token and the server's CA.</summary>
    public static RunningOperator Start(OperatorHarness h, string kubeconfig, TinyImage.Operator.Configuration.OperatorOptions options, IImageVerifier? verifier = null)
    {
        var connection = KubeConnection.FromConfig(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), "op-rbac");
        var settings = new ControllerSettings
        {
            Instance = "op-rbac",
            Queue = new WorkQueueOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500) },
            Informer = new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500), WatchTimeoutSeconds = 60 },
        };
        return new RunningOperator(new OperatorHost(connection, verifier ?? h.Verifier, options, settings, TimeProvider.System, h.Loggers, "op-rbac"), connection);
    }

    private static int Rules(IEnumerable<JsonObject> objects) => objects.Sum(o => (o["rules"] as JsonArray)?.Count ?? 0);

    /// <summary>A Role or ClusterRole with the rules <paramref name="grants"/> picks removed; anything else as it is.</summary>
    private static JsonObject WithoutRules(JsonObject o, Func<JsonObject, bool> grants)
    {
        if ((string?)o["kind"] is not ("ClusterRole" or "Role") || o["rules"] is not JsonArray rules)
        {
            return o;
        }

        var copy = o.DeepClone().AsObject();
        copy["rules"] = new JsonArray([.. rules.OfType<JsonObject>().Where(r => !grants(r)).Select(r => (JsonNode)r.DeepClone())]);
        return copy;
    }

    private static async Task<string> RunAsync(string workDir, string tool, params string[] args)
    {
        var path = RepoPaths.Tools("bin", tool);
        if (!File.Exists(path))
        {
            Assert.Skip($"{tool} not found at {path}: run scripts/install-tools.sh");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = workDir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, tool + " " + string.Join(' ', args) + ": " + await stderr);
        return await stdout;
    }
}
