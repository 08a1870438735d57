using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>The 422 Invalid Status the server builds from a field error list (apimachinery errors.NewInvalid).</summary>
internal static class Invalid
{
    public static ApiResult Result(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add((JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field });
        }

        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Kind;
        details["causes"] = causes;
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        var aggregate = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return ApiErrors.Status(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {aggregate}", details);
    }
}
