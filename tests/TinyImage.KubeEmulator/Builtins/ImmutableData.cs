using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// ValidateConfigMapUpdate and ValidateSecretUpdate (pkg/apis/core/validation/validation.go): once a ConfigMap or Secret
/// is stored with <c>immutable: true</c>, an update may not unset it nor change data, binaryData (ConfigMap) or type
/// (Secret); the only way to change it is to delete and recreate it.
/// </summary>
internal static class ImmutableData
{
    private const string Detail = "field is immutable when `immutable` is set";

    public static void Validate(JsonObject obj, JsonObject? old, bool secret, List<FieldError> errors)
    {
        if (old?["immutable"]?.GetValue<bool>() != true)
        {
            return;
        }

        if (obj["immutable"]?.GetValue<bool>() != true)
        {
            errors.Add(FieldError.Forbidden("immutable", Detail));
        }

        foreach (var field in secret ? ["data"] : new[] { "data", "binaryData" })
        {
            if (!JsonNode.DeepEquals(obj[field], old[field]))
            {
                errors.Add(FieldError.Forbidden(field, Detail));
            }
        }

        if (secret && (string?)obj["type"] != (string?)old["type"])
        {
            errors.Add(FieldError.Forbidden("type", Detail));
        }
    }
}
