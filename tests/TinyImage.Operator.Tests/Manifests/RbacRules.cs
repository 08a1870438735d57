using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>Test helper: the least-privilege checks every rendering of the operator's RBAC must pass.</summary>
internal static class RbacRules
{
    public static void AssertLeastPrivilege(IEnumerable<JsonObject> objects)
    {
        var rules = objects.Where(o => (string?)o["kind"] is "ClusterRole" or "Role")
            .SelectMany(o => o["rules"]!.AsArray().Select(r => r!.AsObject())).ToList();
        Assert.NotEmpty(rules);

        foreach (var rule in rules)
        {
            foreach (var field in new[] { "apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs" })
            {
                Assert.DoesNotContain("*", Strings(rule, field));
            }
        }

        var secretVerbs = rules.Where(r => Strings(r, "apiGroups").Contains("") && Strings(r, "resources").Contains("secrets"))
            .SelectMany(r => Strings(r, "verbs")).Distinct().ToList();
        Assert.Equal(["get"], secretVerbs);
    }

    public static IReadOnlyList<string> Strings(JsonObject o, string field) =>
        [.. (o[field]?.AsArray() ?? []).Select(n => (string?)n ?? "")];
}
