using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>The 422 Invalid Status of a refused write, as <c>apierrors.NewInvalid</c> builds it from a field error list.</summary>
internal static class InvalidStatus
{
    public static ApiResult Of(string qualifiedKind, string kindForDetails, string? group, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add((JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field.Length == 0 ? "<nil>" : e.Field });
        }

        var details = new JsonObject { ["name"] = name };
        if (!string.IsNullOrEmpty(group))
        {
            details["group"] = group;
        }

        details["kind"] = kindForDetails;
        details["causes"] = causes;

        // utilerrors.NewAggregate: one error prints bare, several print in brackets joined by ", ".
        var text = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        return ApiErrors.Status(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {text}", details);
    }

    public static ApiResult Of(ResourceType type, string name, IReadOnlyList<FieldError> errors) =>
        Of(type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group, type.Kind, type.Group, name, errors);
}
