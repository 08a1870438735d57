using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings every real API server creates at start
/// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): cluster-admin for system:masters, discovery and
/// self-reviews for every authenticated user, /version and health for everyone.
/// </summary>
internal static class BootstrapPolicy
{
    public static IEnumerable<JsonObject> ClusterRoles()
    {
        yield return ClusterRole("cluster-admin",
            Rule(["*"], apiGroups: ["*"], resources: ["*"]),
            Rule(["*"], nonResourceUrls: ["*"]));
        yield return ClusterRole("system:discovery",
            Rule(["get"], nonResourceUrls: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]));
        yield return ClusterRole("system:basic-user",
            Rule(["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]));
        yield return ClusterRole("system:public-info-viewer",
            Rule(["get"], nonResourceUrls: ["/healthz", "/livez", "/readyz", "/version", "/version/"]));
    }

    public static IEnumerable<JsonObject> ClusterRoleBindings()
    {
        yield return ClusterRoleBinding("cluster-admin", "system:masters");
        yield return ClusterRoleBinding("system:discovery", "system:authenticated");
        yield return ClusterRoleBinding("system:basic-user", "system:authenticated");
        yield return ClusterRoleBinding("system:public-info-viewer", "system:authenticated", "system:unauthenticated");
    }

    private static JsonObject Metadata(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static JsonObject ClusterRole(string name, params JsonObject[] rules) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRole",
        ["metadata"] = Metadata(name),
        ["rules"] = new JsonArray([.. rules]),
    };

    private static JsonObject ClusterRoleBinding(string name, params string[] groups) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRoleBinding",
        ["metadata"] = Metadata(name),
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = name },
        ["subjects"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = g })]),
    };

    private static JsonObject Rule(string[] verbs, string[]? apiGroups = null, string[]? resources = null, string[]? nonResourceUrls = null)
    {
        var rule = new JsonObject { ["verbs"] = Array(verbs) };
        if (apiGroups is not null)
        {
            rule["apiGroups"] = Array(apiGroups);
        }

        if (resources is not null)
        {
            rule["resources"] = Array(resources);
        }

        if (nonResourceUrls is not null)
        {
            rule["nonResourceURLs"] = Array(nonResourceUrls);
        }

        return rule;
    }

    private static JsonArray Array(string[] values) => new([.. values.Select(v => (JsonNode)v)]);
}
