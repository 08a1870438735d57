using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// Authentication and authorization in front of every request, as the real server's filter chain runs them
/// (WithAuthentication, then WithAuthorization), plus the endpoints that need the caller's identity: the
/// ServiceAccount <c>token</c> subresource, SelfSubjectAccessReview and SelfSubjectRulesReview.
/// Requests without a token, or with the kubeconfig's admin token, act as a cluster admin (system:masters).
/// </summary>
internal sealed class AccessControl(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    /// <summary>The bearer token in kubeconfigs the emulator writes for its admin.</summary>
    public const string AdminToken = "kube-emulator";

    private static readonly ResourceType TokenRequests = new("authentication.k8s.io", "v1", "TokenRequest", "tokenrequests", true);
    private static readonly ResourceType AccessReviews = new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false);

    public ServiceAccountTokens Tokens { get; } = new(store, registry, time);

    public RbacAuthorizer Rbac { get; } = new(store);

    /// <summary>
    /// Null when the request goes on to the ordinary handlers; otherwise the answer: 401 for an unknown token, 403
    /// with the real Status when RBAC allows nothing, or the result of an identity-aware endpoint.
    /// </summary>
    public async Task<ApiResult?> InterceptAsync(HttpContext ctx, Route route, CancellationToken ct)
    {
        if (Authenticate(ctx.Request.Headers.Authorization.ToString()) is not { } user)
        {
            return ApiErrors.Status(401, "Unauthorized", "Unauthorized");
        }

        if (!user.IsPrivileged)
        {
            var attributes = RequestAttributes.From(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.Query);
            var (allowed, reason) = Rbac.Authorize(user, attributes);
            if (!allowed)
            {
                return Forbidden(user, attributes, reason);
            }
        }

        if (route.IsResource && route.Verb == "create")
        {
            switch (route.Group, route.Resource, route.Subresource)
            {
                case ("", "serviceaccounts", "token") when route.Name is not null:
                    return await TokenRequestAsync(ctx, route, ct);
                case ("authorization.k8s.io", "selfsubjectaccessreviews", null):
                    return await AccessReviewAsync(ctx, user, ct);
                case ("authorization.k8s.io", "selfsubjectrulesreviews", null):
                    return await RulesReviewAsync(ctx, user, ct);
            }
        }

        return null;
    }

    /// <summary>The identity behind an Authorization header; null for a token the server does not accept (401).</summary>
    public UserInfo? Authenticate(string header)
    {
        if (header.Length == 0)
        {
            return UserInfo.Admin;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[7..].Trim();
        return token == AdminToken ? UserInfo.Admin : Tokens.Validate(token);
    }

    /// <summary>
    /// The 403 of responsewriters.Forbidden: "User ... cannot VERB resource ... in API group ... in the namespace ..."
    /// (or "at the cluster scope", or "cannot VERB path ..."), wrapped by NewForbidden with the group-qualified
    /// resource and name, with the authorizer's reason appended after a colon when it gave one.
    /// </summary>
    internal static ApiResult Forbidden(UserInfo user, RequestAttributes a, string reason)
    {
        string message;
        if (!a.IsResourceRequest)
        {
            message = $"User \"{user.Name}\" cannot {a.Verb} path \"{a.Path}\"";
        }
        else
        {
            var resource = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
            message = a.Namespace.Length > 0
                ? $"User \"{user.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" in the namespace \"{a.Namespace}\""
                : $"User \"{user.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" at the cluster scope";
        }

        message = message.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        if (reason.Length > 0)
        {
            message += ": " + reason;
        }

        var details = new JsonObject();
        var qualified = a.ApiGroup.Length > 0 ? a.Resource + "." + a.ApiGroup : a.Resource;
        if (qualified.Length == 0)
        {
            return ApiErrors.Status(403, "Forbidden", "forbidden: " + message, details);
        }

        if (a.Name.Length > 0)
        {
            details["name"] = a.Name;
        }

        if (a.ApiGroup.Length > 0)
        {
            details["group"] = a.ApiGroup;
        }

        details["kind"] = a.Resource;
        return ApiErrors.Status(403, "Forbidden", a.Name.Length > 0 ? $"{qualified} \"{a.Name}\" is forbidden: {message}" : $"{qualified} is forbidden: {message}", details);
    }

    // pkg/registry/core/serviceaccount/storage/token.go: the ServiceAccount must exist; the TokenRequest's name and
    // namespace, when given, must match; expirationSeconds defaults to an hour and must be at least 10 minutes.
    private async Task<ApiResult> TokenRequestAsync(HttpContext ctx, Route route, CancellationToken ct)
    {
        var (body, error) = await ReadAsync(ctx, ct);
        if (error is not null)
        {
            return error;
        }

        var ns = route.Namespace ?? "";
        var name = route.Name!;
        if ((string?)body!["metadata"]?["name"] is { Length: > 0 } bodyName && bodyName != name)
        {
            return ApiErrors.BadRequest("serviceaccount name in request path (" + name + ") does not match name in token request (" + bodyName + ")");
        }

        var spec = body["spec"] as JsonObject ?? [];
        var seconds = spec["expirationSeconds"] is JsonValue v && v.TryGetValue<long>(out var s) ? s : 3600;
        if (seconds < 600)
        {
            return ApiErrors.Invalid(TokenRequests, name, "spec.expirationSeconds", $"Invalid value: {seconds}: may not specify a duration less than 10 minutes");
        }

        if (seconds > 1L << 32)
        {
            return ApiErrors.Invalid(TokenRequests, name, "spec.expirationSeconds", $"Invalid value: {seconds}: may not specify a duration larger than 2^32 seconds");
        }

        string[]? audiences = spec["audiences"] is JsonArray a ? [.. a.Select(x => (string?)x).OfType<string>()] : null;
        if (Tokens.Issue(ns, name, seconds, audiences) is not { } issued)
        {
            return ApiErrors.NotFound(registry.Find("", "v1", "serviceaccounts")!, name);
        }

        return new ApiResult(201, new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = Timestamp(time.GetUtcNow()) },
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray([.. issued.Audiences.Select(x => (JsonNode)x)]),
                ["expirationSeconds"] = seconds,
                ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
            },
            ["status"] = new JsonObject { ["token"] = issued.Token, ["expirationTimestamp"] = Timestamp(issued.Expires) },
        });
    }

    // pkg/registry/authorization/selfsubjectaccessreview/rest.go: exactly one of resourceAttributes and
    // nonResourceAttributes; the answer is the authorizer's decision and reason for the caller.
    private async Task<ApiResult> AccessReviewAsync(HttpContext ctx, UserInfo user, CancellationToken ct)
    {
        var (body, error) = await ReadAsync(ctx, ct);
        if (error is not null)
        {
            return error;
        }

        var spec = body!["spec"] as JsonObject ?? [];
        var resource = spec["resourceAttributes"] as JsonObject;
        var nonResource = spec["nonResourceAttributes"] as JsonObject;
        if ((resource is null) == (nonResource is null))
        {
            return ApiErrors.Invalid(AccessReviews, "", "spec.resourceAttributes", "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }

        var attributes = resource is not null
            ? new RequestAttributes(true, "", S(resource, "verb"), S(resource, "group"), S(resource, "version"), S(resource, "namespace"), S(resource, "resource"), S(resource, "subresource"), S(resource, "name"))
            : new RequestAttributes(false, S(nonResource!, "path"), S(nonResource!, "verb"), "", "", "", "", "", "");
        var (allowed, reason) = Rbac.Authorize(user, attributes);
        var status = new JsonObject { ["allowed"] = allowed };
        if (reason.Length > 0)
        {
            status["reason"] = reason;
        }

        var answer = (JsonObject)body.DeepClone();
        answer["apiVersion"] = "authorization.k8s.io/v1";
        answer["kind"] = "SelfSubjectAccessReview";
        answer["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        answer["status"] = status;
        return new ApiResult(201, answer);
    }

    // SelfSubjectRulesReview: every rule of the bindings that name the caller, in the namespace asked about.
    private async Task<ApiResult> RulesReviewAsync(HttpContext ctx, UserInfo user, CancellationToken ct)
    {
        var (body, error) = await ReadAsync(ctx, ct);
        if (error is not null)
        {
            return error;
        }

        var ns = (string?)body!["spec"]?["namespace"] ?? "";
        var (rules, errors) = Rbac.Current().RulesFor(user, ns);
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var r in rules)
        {
            if (r.NonResourceUrls.Length > 0)
            {
                nonResourceRules.Add((JsonNode)new JsonObject { ["verbs"] = Array(r.Verbs), ["nonResourceURLs"] = Array(r.NonResourceUrls) });
            }
            else
            {
                var rule = new JsonObject { ["verbs"] = Array(r.Verbs), ["apiGroups"] = Array(r.ApiGroups), ["resources"] = Array(r.Resources) };
                if (r.ResourceNames.Length > 0)
                {
                    rule["resourceNames"] = Array(r.ResourceNames);
                }

                resourceRules.Add((JsonNode)rule);
            }
        }

        var status = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = errors.Count > 0 };
        if (errors.Count > 0)
        {
            status["evaluationError"] = string.Join(", ", errors);
        }

        return new ApiResult(201, new JsonObject
        {
            ["kind"] = "SelfSubjectRulesReview",
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = new JsonObject { ["namespace"] = ns },
            ["status"] = status,
        });
    }

    private static async Task<(JsonObject? Body, ApiResult? Error)> ReadAsync(HttpContext ctx, CancellationToken ct)
    {
        var media = (ctx.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ct);
        if (media == "application/vnd.kubernetes.protobuf")
        {
            return ProtobufReviews.Decode(buffer.ToArray()) is { } decoded
                ? (decoded, null)
                : (null, ApiErrors.BadRequest("the object provided is unrecognized"));
        }

        if (media is not ("application/json" or "*/*" or ""))
        {
            return (null, ApiErrors.Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {media})"));
        }

        try
        {
            return buffer.Length == 0 ? ([], null)
                : JsonNode.Parse(buffer.ToArray()) is JsonObject o ? (o, null) : (null, ApiErrors.BadRequest("the body of the request must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.BadRequest("the object provided is unrecognized: " + e.Message));
        }
    }

    private static string S(JsonObject o, string key) => (string?)o[key] ?? "";

    private static JsonArray Array(string[] values) => new([.. values.Select(v => (JsonNode)v)]);

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
