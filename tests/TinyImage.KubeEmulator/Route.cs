using Microsoft.AspNetCore.Http;

namespace TinyImage.KubeEmulator;

/// <summary>What a request path names, decoded as the API server's RequestInfoFactory decodes it.</summary>
internal sealed record Route(
    bool IsResource,
    string Verb,
    string? Group,
    string? Version,
    string? Resource,
    string? Namespace,
    string? Name,
    string? Subresource,
    ResourceType? Type,
    string[] Segments)
{
    public static Route Parse(string method, string path, IQueryCollection query, ResourceRegistry registry)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        string[] rest;
        switch (segments)
        {
            case ["api", var v, _, ..]:
                (group, version, rest) = ("", v, segments[2..]);
                break;
            case ["apis", var g, var v, _, ..]:
                (group, version, rest) = (g, v, segments[3..]);
                break;
            default:
                return new Route(false, method.ToLowerInvariant(), null, null, null, null, null, null, null, segments);
        }

        var watch = query["watch"].ToString() is "true" or "1";
        if (rest[0] == "watch")
        {
            watch = true;
            rest = rest[1..];
        }

        string? ns = null;
        string resource;
        string? name = null;
        string? sub = null;
        // As the real RequestInfoFactory (apiserver pkg/endpoints/request/requestinfo.go), which knows no types: a path
        // under namespaces/NS/ names a namespaced resource unless the next segment is a namespace subresource; so a
        // request for a kind that is not served (a CRD not installed) is logged and authorized in its namespace.
        if (rest.Length >= 3 && rest[0] == "namespaces"
            && (registry.Find(group, version, rest[2]) is { Namespaced: true } || (registry.Find(group, version, rest[2]) is null && rest[2] is not ("status" or "finalize"))))
        {
            ns = rest[1];
            resource = rest[2];
            name = rest.ElementAtOrDefault(3);
            sub = rest.ElementAtOrDefault(4);
        }
        else if (rest.Length > 0)
        {
            resource = rest[0];
            name = rest.ElementAtOrDefault(1);
            sub = rest.ElementAtOrDefault(2);
        }
        else
        {
            return new Route(false, method.ToLowerInvariant(), group, version, null, null, null, null, null, segments);
        }

        var verb = method switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };

        var type = registry.Find(group, version, resource);
        if (type is not null && !type.Namespaced)
        {
            ns = null;
        }

        if (verb == "create" && name is not null && sub is null)
        {
            verb = "post-on-name";
        }

        return new Route(true, verb, group, version, resource, ns, name, sub, type, segments);
    }
}
