using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>Builders for RBAC objects and ServiceAccount tokens, created through the API as an admin would.</summary>
internal static class Rbac
{
    public const string RbacPath = "/apis/rbac.authorization.k8s.io/v1";

    public static JsonObject Rule(string[] verbs, string[] resources, string[]? groups = null, string[]? names = null)
    {
        var rule = new JsonObject { ["apiGroups"] = Array(groups ?? [""]), ["resources"] = Array(resources), ["verbs"] = Array(verbs) };
        if (names is not null)
        {
            rule["resourceNames"] = Array(names);
        }

        return rule;
    }

    public static async Task RoleAsync(HttpClient admin, string ns, string name, params JsonObject[] rules) =>
        await CreatedAsync(admin, $"{RbacPath}/namespaces/{ns}/roles", new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "Role",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["rules"] = new JsonArray([.. rules]),
        });

    public static async Task ClusterRoleAsync(HttpClient admin, string name, params JsonObject[] rules) =>
        await CreatedAsync(admin, $"{RbacPath}/clusterroles", new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "ClusterRole",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["rules"] = new JsonArray([.. rules]),
        });

    public static async Task RoleBindingAsync(HttpClient admin, string ns, string name, string roleKind, string role, string saNamespace, string sa) =>
        await CreatedAsync(admin, $"{RbacPath}/namespaces/{ns}/rolebindings", new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "RoleBinding",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = role },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = sa, ["namespace"] = saNamespace }),
        });

    public static async Task ClusterRoleBindingAsync(HttpClient admin, string name, string role, string saNamespace, string sa) =>
        await CreatedAsync(admin, $"{RbacPath}/clusterrolebindings", new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "ClusterRoleBinding",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = sa, ["namespace"] = saNamespace }),
        });

    /// <summary>Creates the namespace (if needed) and the ServiceAccount, and returns a token for it from the TokenRequest API.</summary>
    public static async Task<string> ServiceAccountTokenAsync(HttpClient admin, string ns, string sa)
    {
        await admin.PostJsonAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        await CreatedAsync(admin, $"/api/v1/namespaces/{ns}/serviceaccounts", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = sa, ["namespace"] = ns },
        });
        var (code, body) = await admin.PostJsonAsync($"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = new JsonObject { ["expirationSeconds"] = 3600 },
        });
        Assert.True(code == 201, body.ToJsonString());
        return (string)body["status"]!["token"]!;
    }

    public static async Task CreatedAsync(HttpClient admin, string path, JsonObject body)
    {
        var (code, answer) = await admin.PostJsonAsync(path, body);
        Assert.True(code == 201, path + ": " + answer.ToJsonString());
    }

    private static JsonArray Array(string[] values) => new([.. values.Select(v => (JsonNode)v)]);
}
