using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>A RoleBinding or ClusterRoleBinding: its role reference and subjects.</summary>
internal sealed record Binding(string Name, string Namespace, string RoleKind, string RoleName, JsonObject[] Subjects)
{
    public static Binding From(JsonObject o, string ns) => new(
        (string?)o["metadata"]?["name"] ?? "",
        ns,
        (string?)o["roleRef"]?["kind"] ?? "",
        (string?)o["roleRef"]?["name"] ?? "",
        [.. (o["subjects"] as JsonArray ?? []).OfType<JsonObject>()]);

    /// <summary>
    /// The first subject naming the user (appliesTo in the real rule resolver): a User by name, a Group the user is
    /// in, or a ServiceAccount whose namespace (defaulting to the binding's) and name make the user's name.
    /// </summary>
    public JsonObject? SubjectFor(UserInfo user)
    {
        foreach (var s in Subjects)
        {
            var name = (string?)s["name"] ?? "";
            var applies = (string?)s["kind"] switch
            {
                "User" => user.Name == name,
                "Group" => user.Groups.Contains(name),
                "ServiceAccount" => ((string?)s["namespace"] is { Length: > 0 } ns ? ns : Namespace) is { Length: > 0 } saNs
                    && user.Name == UserInfo.ServiceAccountUser(saNs, name),
                _ => false,
            };
            if (applies)
            {
                return s;
            }
        }

        return null;
    }
}
