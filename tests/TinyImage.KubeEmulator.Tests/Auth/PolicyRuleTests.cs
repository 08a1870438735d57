using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Auth;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>RuleAllows and its matchers, with the cases of plugin/pkg/auth/authorizer/rbac/rbac_test.go TestRuleMatches.</summary>
public sealed class PolicyRuleTests
{
    [Theory]
    [InlineData("""{"verbs":["*"],"apiGroups":["group1"],"resources":["res1"]}""", "get", "group1", "res1", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["*"],"resources":["res1"]}""", "get", "group1", "res1", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["*"]}""", "get", "group1", "res1", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"]}""", "get", "group1", "res1", "", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"]}""", "list", "group1", "res1", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"]}""", "get", "group2", "res1", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"]}""", "get", "group1", "res2", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"],"resourceNames":["name1"]}""", "get", "group1", "res1", "", "name1", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"],"resourceNames":["name1"]}""", "get", "group1", "res1", "", "name2", false)]
    [InlineData("""{"verbs":["list"],"apiGroups":["group1"],"resources":["res1"],"resourceNames":["name1"]}""", "list", "group1", "res1", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1/sub1"]}""", "get", "group1", "res1", "sub1", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["res1"]}""", "get", "group1", "res1", "sub1", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["*/sub1"]}""", "get", "group1", "res1", "sub1", "", true)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["*/sub1"]}""", "get", "group1", "res1", "", "", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["group1"],"resources":["*"]}""", "get", "group1", "res1", "sub1", "", true)]
    public void A_Resource_Rule_Matches_As_RuleAllows_Matches(string rule, string verb, string group, string resource, string subresource, string name, bool allowed)
    {
        var a = new RequestAttributes(true, "", verb, group, "v1", "ns", resource, subresource, name);

        Assert.Equal(allowed, PolicyRule.From(JsonNode.Parse(rule)).Allows(a));
    }

    [Theory]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["*"]}""", "get", "/foo", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/foo"]}""", "get", "/foo", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/foo"]}""", "post", "/foo", false)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/foo"]}""", "get", "/foo/bar", false)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/foo/*"]}""", "get", "/foo/bar/baz", true)]
    [InlineData("""{"verbs":["get"],"nonResourceURLs":["/foo/*"]}""", "get", "/foo", false)]
    [InlineData("""{"verbs":["get"],"apiGroups":["*"],"resources":["*"]}""", "get", "/foo", false)]
    public void A_NonResource_Rule_Matches_By_Exact_Path_Or_Trailing_Star_Prefix(string rule, string verb, string path, bool allowed)
    {
        var a = new RequestAttributes(false, path, verb, "", "", "", "", "", "");

        Assert.Equal(allowed, PolicyRule.From(JsonNode.Parse(rule)).Allows(a));
    }
}
