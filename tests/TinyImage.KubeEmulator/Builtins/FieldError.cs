using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// One validation error as k8s.io/apimachinery/pkg/util/validation/field words it: <c>path: Type: value: detail</c>,
/// the value rendered as the server renders it (strings quoted as Go's %q quotes them, plain numbers, JSON for
/// anything else).
/// </summary>
internal sealed record FieldError(string Field, string Type, string Reason, string? Value, string Detail)
{
    public static FieldError Invalid(string field, JsonNode? value, string detail) => new(field, "Invalid value", "FieldValueInvalid", Render(value), detail);

    public static FieldError Invalid(string field, string value, string detail) => new(field, "Invalid value", "FieldValueInvalid", Quote(value), detail);

    public static FieldError Required(string field, string detail = "") => new(field, "Required value", "FieldValueRequired", null, detail);

    public static FieldError TooLong(string field, int max) => new(field, "Too long", "FieldValueTooLong", null, $"may not be more than {max} bytes");

    public static FieldError Forbidden(string field, string detail) => new(field, "Forbidden", "FieldValueForbidden", null, detail);

    /// <summary>field.NotSupported: <c>Unsupported value: "x": supported values: "a", "b"</c>.</summary>
    public static FieldError NotSupported(string field, string value, IEnumerable<string> supported) =>
        new(field, "Unsupported value", "FieldValueNotSupported", Quote(value), "supported values: " + string.Join(", ", supported.Select(Quote)));

    /// <summary>What follows the field path: <c>Invalid value: "x": detail</c>.</summary>
    public string Body
    {
        get
        {
            var s = Value is null ? Type : Type + ": " + Value;
            return Detail.Length == 0 ? s : s + ": " + Detail;
        }
    }

    public override string ToString() => Field + ": " + Body;

    private static string Quote(string s) => GoQuote.Quote(s);

    private static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => value.ToJsonString(),
    };
}
