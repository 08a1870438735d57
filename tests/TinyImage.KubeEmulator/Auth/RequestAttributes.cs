using Microsoft.AspNetCore.Http;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// What an authorizer is asked about a request: verb, group, resource, subresource, name and namespace for resource
/// requests, the path and lower-cased HTTP method for the rest. Decoded as the real RequestInfoFactory decodes a URL
/// (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
/// </summary>
internal sealed record RequestAttributes(
    bool IsResourceRequest,
    string Path,
    string Verb,
    string ApiGroup,
    string ApiVersion,
    string Namespace,
    string Resource,
    string Subresource,
    string Name)
{
    /// <summary>Decodes a request the way the real server does before it authorizes it.</summary>
    public static RequestAttributes From(string method, string path, IQueryCollection query)
    {
        var nonResource = new RequestAttributes(false, path, method.ToLowerInvariant(), "", "", "", "", "", "");
        var parts = path.Trim('/').Split('/', StringSplitOptions.None);
        if (path.Trim('/').Length == 0 || parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var rest = parts.AsSpan(1);
        var group = "";
        if (parts[0] == "apis")
        {
            if (rest.Length < 3)
            {
                return nonResource;
            }

            group = rest[0];
            rest = rest[1..];
        }

        var version = rest[0];
        rest = rest[1..];
        string verb;
        if (rest[0] is "watch" or "proxy")
        {
            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var ns = "";
        if (rest.Length > 0 && rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize"))
            {
                rest = rest[2..];
            }
        }

        var resource = rest.Length >= 1 ? rest[0] : "";
        var name = rest.Length >= 2 ? rest[1] : "";
        var subresource = rest.Length >= 3 && verb != "proxy" ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = query["watch"].Count > 0 && query["watch"][0]?.ToLowerInvariant() is not ("false" or "0") ? "watch" : "list";

            // A list or watch narrowed to one name by fieldSelector=metadata.name=X is authorized as if it named X,
            // so resourceNames can allow it (the real server does this for kubelets watching single Secrets).
            if (ExactName(query["fieldSelector"].ToString()) is { } selected)
            {
                name = selected;
            }
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestAttributes(true, path, verb, group, version, ns, resource, subresource, name);
    }

    /// <summary>The name a field selector requires exactly (<c>metadata.name=X</c> or <c>==</c>), if any and a valid path segment.</summary>
    private static string? ExactName(string selector)
    {
        if (selector.Length == 0)
        {
            return null;
        }

        string? found = null;
        foreach (var term in selector.Split(','))
        {
            var t = term.Trim();
            var op = t.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0 ? (ne, 2, false)
                : t.IndexOf("==", StringComparison.Ordinal) is var ee and >= 0 ? (ee, 2, true)
                : t.IndexOf('=', StringComparison.Ordinal) is var e and >= 0 ? (e, 1, true) : (-1, 0, false);
            if (op.Item1 < 0)
            {
                // An unparsable selector names nothing: the request stays an unnamed list or watch.
                return null;
            }

            if (op.Item3 && t[..op.Item1].Trim() == "metadata.name")
            {
                found = t[(op.Item1 + op.Item2)..].Trim();
            }
        }

        return found is null || found.Length == 0 || found is "." or ".." || found.Contains('/', StringComparison.Ordinal) || found.Contains('%', StringComparison.Ordinal)
            ? null
            : found;
    }
}
