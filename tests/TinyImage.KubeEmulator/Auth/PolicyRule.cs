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

    private bool VerbMatches(string verb) => Has(Verbs, verb);

    private bool GroupMatches(string group) => Has(ApiGroups, group);

    // "*" matches every resource and subresource; "*/status" matches the status subresource of every resource.
    private bool ResourceMatches(string combined, string subresource)
    {
        foreach (var r in Resources)
        {
            if (r == "*" || r == combined
                || (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    // resourceNames only ever match a request that names an object: list, watch (without a metadata.name field
    // selector), create and deletecollection carry no name and so are never allowed by a rule that lists names.
    private bool NameMatches(string name) => ResourceNames.Length == 0 || Array.IndexOf(ResourceNames, name) >= 0;

    private bool NonResourceUrlMatches(string path)
    {
        foreach (var u in NonResourceUrls)
        {
            if (u == "*" || u == path || (u.EndsWith('*') && path.StartsWith(u.TrimEnd('*'), StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Has(string[] values, string value)
    {
        foreach (var v in values)
        {
            if (v == "*" || v == value)
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];
}
