using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Kubernetes-shaped <c>Status</c> failure bodies, worded as the real API server words them.</summary>
public static class ApiErrors
{
    /// <summary>A Status failure body.</summary>
    public static ApiResult Status(int code, string reason, string message, JsonObject? details = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details ?? new JsonObject(),
            ["code"] = code,
        };
        return new ApiResult(code, body);
    }

    internal static JsonObject Details(ResourceType type, string? name)
    {
        var d = new JsonObject();
        if (name is not null)
        {
            d["name"] = name;
        }

        if (type.Group.Length > 0)
        {
            d["group"] = type.Group;
        }

        d["kind"] = type.Plural;
        return d;
    }

    internal static ApiResult NotFound(ResourceType type, string name) =>
        Status(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", Details(type, name));

    internal static ApiResult NamespaceNotFound(string ns) =>
        Status(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    internal static ApiResult NoSuchResource() =>
        Status(404, "NotFound", "the server could not find the requested resource");

    internal static ApiResult AlreadyExists(ResourceType type, string name) =>
        Status(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", Details(type, name));

    internal static ApiResult Conflict(ResourceType type, string name) =>
        Status(409, "Conflict",
            $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(type, name));

    internal static ApiResult ConflictPrecondition(ResourceType type, string name, string what) =>
        Status(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {what}", Details(type, name));

    internal static ApiResult Invalid(ResourceType type, string? name, string field, string message)
    {
        var details = Details(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = message, ["field"] = field });
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        return Status(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {field}: {message}", details);
    }

    internal static ApiResult BadRequest(string message) => Status(400, "BadRequest", message);

    internal static ApiResult MethodNotAllowed(string method) =>
        Status(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    internal static ApiResult UnsupportedMediaType(string contentType) =>
        Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {contentType})");

    internal static ApiResult Expired(long requested, long current) =>
        Status(410, "Expired", $"too old resource version: {requested} ({current})");

    internal static ApiResult Forbidden(ResourceType type, string name, string why) =>
        Status(403, "Forbidden", $"{type.GroupResource} \"{name}\" is forbidden: {why}", Details(type, name));

    /// <summary>A failure body for an injected fault code, reasoned as the real server reasons that code.</summary>
    public static ApiResult ForCode(int code, string message) => code switch
    {
        400 => Status(code, "BadRequest", message),
        401 => Status(code, "Unauthorized", message),
        403 => Status(code, "Forbidden", message),
        404 => Status(code, "NotFound", message),
        409 => Status(code, "Conflict", message),
        410 => Status(code, "Expired", message),
        422 => Status(code, "Invalid", message),
        429 => Status(code, "TooManyRequests", message, new JsonObject { ["retryAfterSeconds"] = 1 }),
        503 => Status(code, "ServiceUnavailable", message),
        504 => Status(code, "Timeout", message),
        _ => Status(code, "InternalError", message),
    };
}
