using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// The RBAC objects' own validation (pkg/apis/rbac/validation/validation.go): a binding names its role in roleRef,
/// with a kind its scope allows, and may never change it; every rule lists verbs.
/// </summary>
internal static class RbacValidation
{
    private const string Group = "rbac.authorization.k8s.io";

    public static ApiResult? OnCreate(ResourceType type, JsonObject obj)
    {
        if (type.Group != Group)
        {
            return null;
        }

        var name = (string?)obj["metadata"]?["name"];
        if (type.Plural is "roles" or "clusterroles" && obj["rules"] is JsonArray rules)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i]?["verbs"] is not JsonArray { Count: > 0 })
                {
                    return ApiErrors.Invalid(type, name, $"rules[{i}].verbs", "Required value: verbs must contain at least one value");
                }
            }
        }

        if (type.Plural is "rolebindings" or "clusterrolebindings")
        {
            var roleRef = obj["roleRef"] as JsonObject;
            var kind = (string?)roleRef?["kind"] ?? "";
            if ((string?)roleRef?["apiGroup"] != Group)
            {
                return ApiErrors.Invalid(type, name, "roleRef.apiGroup", $"Unsupported value: \"{(string?)roleRef?["apiGroup"]}\": supported values: \"{Group}\"");
            }

            var allowed = type.Plural == "rolebindings" ? new[] { "Role", "ClusterRole" } : ["ClusterRole"];
            if (!allowed.Contains(kind))
            {
                return ApiErrors.Invalid(type, name, "roleRef.kind", $"Unsupported value: \"{kind}\": supported values: {string.Join(", ", allowed.Select(a => "\"" + a + "\""))}");
            }

            if (string.IsNullOrEmpty((string?)roleRef?["name"]))
            {
                return ApiErrors.Invalid(type, name, "roleRef.name", "Required value");
            }
        }

        return null;
    }

    public static ApiResult? OnUpdate(ResourceType type, JsonObject existing, JsonObject next)
    {
        if (type.Group != Group || type.Plural is not ("rolebindings" or "clusterrolebindings"))
        {
            return OnCreate(type, next);
        }

        var old = existing["roleRef"] as JsonObject;
        var now = next["roleRef"] as JsonObject;
        if (!JsonNode.DeepEquals(old, now))
        {
            return ApiErrors.Invalid(type, (string?)existing["metadata"]?["name"], "roleRef",
                $"Invalid value: rbac.RoleRef{{APIGroup:\"{(string?)now?["apiGroup"]}\", Kind:\"{(string?)now?["kind"]}\", Name:\"{(string?)now?["name"]}\"}}: cannot change roleRef");
        }

        return OnCreate(type, next);
    }
}
