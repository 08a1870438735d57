using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>One rbac.authorization.k8s.io/v1 PolicyRule, matched as plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows matches it.</summary>
internal sealed record PolicyRule(string[] Verbs, string[] ApiGroups, string[] Resources, string[] ResourceNames, string[] NonResourceUrls)
{
    public static PolicyRule From(JsonNode? rule) => new(
        Strings(rule?["verbs"]), Strings(rule?["apiGroups"]), Strings(rule?["resources"]), Strings(rule?["resourceNames"]), Strings(rule?["nonResourceURLs"]));

    public bool Allows(RequestAttributes a)
    {
        if (!VerbMatches(a.Verb))
        {
            return false;
        }

        if (!a.IsResourceRequest)
        {
            return NonResourceUrlMatches(a.Path);
        }

        var combined = a.Subresource.Length == 0 ? a.Resource : a.Resource + "/" + a.Subresource;
        return GroupMatches(a.ApiGroup) && ResourceMatches(combined, a.Subresource) && NameMatches(a.Name);
    }

    private bool VerbMatches(string verb) => Verbs.Any(v => v == "*" || v == verb);

    private bool GroupMatches(string group) => ApiGroups.Any(g => g == "*" || g == group);

    // "*" matches every resource and subresource; "*/status" matches the status subresource of every resource.
    private bool ResourceMatches(string combined, string subresource) => Resources.Any(r =>
        r == "*" || r == combined
        || (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal)));

    // resourceNames only ever match a request that names an object: list, watch (without a metadata.name field
    // selector), create and deletecollection carry no name and so are never allowed by a rule that lists names.
    private bool NameMatches(string name) => ResourceNames.Length == 0 || ResourceNames.Contains(name);

    private bool NonResourceUrlMatches(string path) => NonResourceUrls.Any(u =>
        u == "*" || u == path || (u.EndsWith('*') && path.StartsWith(u.TrimEnd('*'), StringComparison.Ordinal)));

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];
}
