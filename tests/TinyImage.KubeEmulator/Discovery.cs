using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Legacy discovery documents (/api, /apis, /api/v1, /apis/g/v) and /version.</summary>
internal static class Discovery
{
    private static readonly string[] FullVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    public static JsonObject Version(string gitVersion)
    {
        var core = gitVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = core.ElementAtOrDefault(0) ?? "1",
            ["minor"] = core.ElementAtOrDefault(1) ?? "35",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-12-17T00:00:00Z",
            ["goVersion"] = "go1.25.5",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. Groups(registry).Select(g => (JsonNode)Group(g.Name, g.Versions))]),
    };

    public static JsonObject? GroupDocument(ResourceRegistry registry, string group)
    {
        var match = Groups(registry).FirstOrDefault(g => g.Name == group);
        if (match.Name is null)
        {
            return null;
        }

        var doc = Group(match.Name, match.Versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. FullVerbs.Select(v => (JsonNode)v)]),
            };
            if (t.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray([.. t.ShortNames.Select(s => (JsonNode)s)]);
            }

            if (t.Categories.Count > 0)
            {
                entry["categories"] = new JsonArray([.. t.Categories.Select(s => (JsonNode)s)]);
            }

            entry["storageVersionHash"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t.ApiVersion + "/" + t.Kind)))[..11];
            resources.Add((JsonNode)entry);
            if (t.HasStatus)
            {
                resources.Add((JsonNode)Sub(t, "status", StatusVerbs));
            }

            foreach (var sub in t.ExtraSubresources)
            {
                resources.Add((JsonNode)Sub(t, sub, ["get"]));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = types[0].ApiVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject Sub(ResourceType t, string sub, string[] verbs) => new()
    {
        ["name"] = t.Plural + "/" + sub,
        ["singularName"] = "",
        ["namespaced"] = t.Namespaced,
        ["kind"] = sub == "log" ? "Pod" : t.Kind,
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
    };

    private static List<(string Name, List<string> Versions)> Groups(ResourceRegistry registry) =>
    [
        .. registry.All
            .Where(t => t.Group.Length > 0)
            .GroupBy(t => t.Group)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList())),
    ];

    private static JsonObject Group(string name, List<string> versions)
    {
        var list = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = name + "/" + v, ["version"] = v })]);
        return new JsonObject
        {
            ["name"] = name,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = name + "/" + versions[0], ["version"] = versions[0] },
        };
    }

    /// <summary>Kubernetes version priority: GA over beta over alpha, higher numbers first.</summary>
    private static int VersionPriority(string v)
    {
        var stability = v.Contains("alpha", StringComparison.Ordinal) ? 0 : v.Contains("beta", StringComparison.Ordinal) ? 1 : 2;
        var digits = new string([.. v.Skip(1).TakeWhile(char.IsAsciiDigit)]);
        var major = int.TryParse(digits, out var m) ? m : 0;
        var rest = v[(1 + digits.Length)..];
        var minorDigits = new string([.. rest.SkipWhile(c => !char.IsAsciiDigit(c))]);
        var minor = int.TryParse(minorDigits, out var n) ? n : 0;
        return (stability * 1000000) + (major * 1000) + minor;
    }
}
