using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using TinyImage.Operator.IntegrationTests.Controllers;
using TinyImage.Testing;
using Xunit;
using static TinyImage.Operator.IntegrationTests.Controllers.OperatorHarness;

namespace TinyImage.Operator.IntegrationTests.Rbac;

/// <summary>
/// The RBAC in config/rbac (which the Helm chart's rules equal, see HelmChartTests) against what the code calls: the
/// operator runs a full lifecycle (leader election, a build, a failed build with its log, verification with a push
/// Secret, deployment, a spec change, deletion) against the emulator, and every request it made is checked against the
/// rules. Conversely, every granted verb is either used in that run or listed below with the code that needs it.
/// </summary>
public sealed class RbacMatchesCodeTests
{
    /// <summary>Granted but not exercised by the scenario, with the reason the code needs it.</summary>
    private static readonly Dictionary<(string Group, string Resource, string Verb), string> NeededBeyondTheScenario = new()
    {
        [("tinyimage.dev", "tinyimages/finalizers", "update")] = "owner references with blockOwnerDeletion on children need update on the owner's finalizers where OwnerReferencesPermissionEnforcement is on",
        [("", "configmaps", "delete")] = "the Containerfile ConfigMaps of builds the previous release started, once no running Job mounts them (HistoryReconciler)",
        [("", "services", "update")] = "Service drift is corrected", [("batch", "jobs", "update")] = "adopting a Job labels it",
        [("events.k8s.io", "events", "patch")] = "a repeated event's series count is patched",
        [("coordination.k8s.io", "leases", "update")] = "renewal and release of the lease",
        [("apps", "deployments", "update")] = "a spec change rolls the Deployment to the new digest",
        [("tinyimage.dev", "tinyimages", "patch")] = "the webhook receiver records a push as the tinyimage.dev/push annotation (Sources/Webhooks/WebhookReceiver.cs)",
        [("tinyimage.dev", "tinyimages", "get")] = "a direct read when the cache is behind a write (409)",
        [("", "services", "get")] = "a direct read before creating a child the cache has not seen",
        [("apps", "deployments", "get")] = "a direct read before creating a child the cache has not seen, and a full read of a cached Deployment whose generation is not the one the operator wrote (drift, a restart: the cache holds no pod template)",
        [("batch", "jobs", "get")] = "a direct read of a Job this operator created that the cache has not shown yet, or of one whose create answered 409 (never two builds for one hash)",
        [("", "configmaps", "update")] = "the SBOM ConfigMap of a newly verified digest",
        [("batch", "jobs", "delete")] = "build history pruning (options.BuildHistoryLimit) and retries",
        [("gateway.networking.k8s.io", "httproutes", "update")] = "an HTTPRoute edited by someone else, or a changed deploy.route, is written back (as the Ingress update the scenario shows)",
        [("gateway.networking.k8s.io", "httproutes", "delete")] = "deploy.route switching from HTTPRoute to Ingress (the scenario shows the other direction)",
        [("networking.k8s.io", "networkpolicies", "get")] = "a build NetworkPolicy that exists already (an earlier build of the TinyImage, or someone else's under its name) is read before it is corrected or reported",
        [("networking.k8s.io", "networkpolicies", "update")] = "a build NetworkPolicy whose rules differ from the admin's (changed flags) is corrected when the next build starts",
        [("", "events", "list")] = "the Job controller's FailedCreate Events about a build Job that has no pod (refused by Pod Security admission, a missing service account, a quota)",
    };

    [Fact]
    public async Task Every_Request_Of_The_Operator_Is_Allowed_And_Every_Grant_Is_Needed()
    {
        var rules = LoadRules("role.yaml", namespaced: null).Concat(LoadRules("leader_election_role.yaml", namespaced: "tinyimage-system")).ToList();
        await using var h = await StartAsync();
        h.Kube.Jobs.Runner = JobRunners.CompleteWith(_ => Digest('a'));
        h.Kube.Deployments.AutoReady = true;
        h.CreateSource();
        CreatePushSecret(h);
        h.StartOperator(FastOptions with { LeaderElection = true, RouteHostnames = ["*.apps.example.com"] });

        h.CreateTinyImage("hello");
        h.EditSpec("hello", spec => spec["output"]!["pushSecret"] = "registry-push");
        await h.WaitForPhaseAsync("hello", "Ready");
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject { ["replicas"] = 2 });
        await Eventually.TrueAsync(() => (int?)h.Object("apps/v1", "deployments", "hello")?["spec"]?["replicas"] == 2, "the Deployment follows the spec");

        // deploy.route: an Ingress, then a changed path, then an HTTPRoute instead (the real Gateway API CRD applied).
        h.EditSpec("hello", spec => spec["deploy"] = new JsonObject { ["replicas"] = 2, ["route"] = new JsonObject { ["kind"] = "Ingress", ["hostname"] = "hello.apps.example.com" } });
        await Eventually.TrueAsync(() => h.Object("networking.k8s.io/v1", "ingresses", "hello") is not null, "the Ingress is created");
        h.EditSpec("hello", spec => spec["deploy"]!["route"]!["path"] = "/v2");
        await Eventually.TrueAsync(() => (string?)h.Object("networking.k8s.io/v1", "ingresses", "hello")?["spec"]?["rules"]?[0]?["http"]?["paths"]?[0]?["path"] == "/v2", "the Ingress follows the spec");
        var crd = YamlJson.Parse(File.ReadAllText(RepoPaths.Repo("tests", "data", "gateway-api", "gateway.networking.k8s.io_httproutes.yaml")))!.AsObject();
        Assert.True(h.Kube.Create("apiextensions.k8s.io/v1", "customresourcedefinitions", crd).IsSuccess);
        h.EditSpec("hello", spec => spec["deploy"]!["route"] = new JsonObject { ["kind"] = "HTTPRoute", ["hostname"] = "hello.apps.example.com", ["gateway"] = new JsonObject { ["name"] = "public" } });
        await Eventually.TrueAsync(
            () => h.Object("networking.k8s.io/v1", "ingresses", "hello") is null && h.Object("gateway.networking.k8s.io/v1", "httproutes", "hello") is not null,
            "the HTTPRoute replaces the Ingress");

        h.Kube.Jobs.Runner = JobRunners.FailWith("BackoffLimitExceeded", "error: build failed");
        h.CreateTinyImage("broken", build: new JsonObject { ["noDefaultFeatures"] = true });
        await h.WaitForPhaseAsync("broken", "Failed");

        var deleted = h.Kube.Delete("tinyimage.dev/v1alpha1", "tinyimages", Namespace, "broken");
        Assert.True(deleted.IsSuccess, deleted.Body.ToJsonString());
        await Eventually.TrueAsync(() => h.TinyImage("broken") is null && h.JobFor("broken") is null, "the TinyImage and its build Job are gone");

        var requests = h.Kube.Requests.All.Where(r => r.UserAgent?.StartsWith("tinyimage-operator", StringComparison.Ordinal) == true && r.Resource is not null).ToList();
        Assert.NotEmpty(requests);
        var denied = requests
            .Where(r => !rules.Any(rule => rule.Allows(r.Group ?? "", Resource(r), r.Verb, r.Namespace)))
            .Select(r => $"{r.Verb} {r.Group}/{Resource(r)} in {r.Namespace ?? "(cluster)"}")
            .Distinct().ToList();
        Assert.True(denied.Count == 0, "the operator made requests its RBAC does not allow:\n" + string.Join('\n', denied));

        var used = requests.Select(r => (r.Group ?? "", Resource(r), r.Verb)).ToHashSet();
        var unused = rules.SelectMany(rule => rule.Grants())
            .Where(g => !used.Contains(g) && !NeededBeyondTheScenario.ContainsKey(g))
            .Select(g => $"{g.Verb} {g.Group}/{g.Resource}").Distinct().ToList();
        Assert.True(unused.Count == 0, "RBAC grants verbs no code uses (least privilege: remove them or say why they are needed):\n" + string.Join('\n', unused));

        var granted = rules.SelectMany(rule => rule.Grants()).ToHashSet();
        var stale = NeededBeyondTheScenario.Keys.Where(g => !granted.Contains(g)).Select(g => $"{g.Verb} {g.Group}/{g.Resource}").ToList();
        Assert.True(stale.Count == 0, "reasons kept for grants the RBAC no longer has (remove them with the grant):\n" + string.Join('\n', stale));
    }

    private static string Resource(RecordedRequest r) => r.Subresource is null ? r.Resource! : r.Resource + "/" + r.Subresource;

    private static void CreatePushSecret(OperatorHarness h)
    {
        var auth = Convert.ToBase64String("{\"auths\":{\"registry.local:5000\":{\"auth\":\"dTpw\"}}}"u8.ToArray());
        var result = h.Kube.Create("v1", "secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "kubernetes.io/dockerconfigjson",
            ["metadata"] = new JsonObject { ["name"] = "registry-push", ["namespace"] = Namespace },
            ["data"] = new JsonObject { [".dockerconfigjson"] = auth },
        });
        Assert.True(result.IsSuccess, result.Body.ToJsonString());
    }

    private static IEnumerable<Rule> LoadRules(string file, string? namespaced)
    {
        var role = YamlJson.Parse(File.ReadAllText(RepoPaths.Repo("config", "rbac", file)))!.AsObject();
        foreach (var rule in role["rules"]!.AsArray())
        {
            yield return new Rule(
                [.. rule!["apiGroups"]!.AsArray().Select(g => (string)g!)],
                [.. rule["resources"]!.AsArray().Select(g => (string)g!)],
                [.. rule["verbs"]!.AsArray().Select(g => (string)g!)],
                namespaced);
        }
    }

    private sealed record Rule(string[] Groups, string[] Resources, string[] Verbs, string? OnlyNamespace)
    {
        public bool Allows(string group, string resource, string verb, string? ns) =>
            Groups.Contains(group) && Resources.Contains(resource) && Verbs.Contains(verb) && (OnlyNamespace is null || OnlyNamespace == ns);

        public IEnumerable<(string Group, string Resource, string Verb)> Grants() =>
            from g in Groups from r in Resources from v in Verbs select (g, r, v);
    }
}
