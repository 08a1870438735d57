using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// One validation error as apimachinery's <c>field.Error</c> renders it: <c>path: Invalid value: "x": detail</c>,
/// <c>path: Forbidden: detail</c>, <c>path: Required value</c>, ... and its Status cause reason.
/// </summary>
internal sealed record FieldError(FieldErrorType Type, string Field, string Detail, string? Value = null)
{
    public static FieldError Invalid(string field, JsonNode? value, string detail) => new(FieldErrorType.Invalid, field, detail, Render(value));

    public static FieldError Invalid(string field, string value, string detail) => new(FieldErrorType.Invalid, field, detail, Quote(value));

    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, detail);

    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, detail);

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, "supported values: " + string.Join(", ", supported), Render(value));

    public static FieldError TooLong(string field, string detail) => new(FieldErrorType.TooLong, field, detail);

    public static FieldError TooMany(string field, long actual, long max) =>
        new(FieldErrorType.TooMany, field, $"must have at most {max.ToString(CultureInfo.InvariantCulture)} items", actual.ToString(CultureInfo.InvariantCulture));

    public static FieldError TypeInvalid(string field, JsonNode? value, string detail) => new(FieldErrorType.TypeInvalid, field, detail, Render(value));

    /// <summary>The Status cause reason (<c>FieldValueInvalid</c>, ...).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        _ => "FieldValueInvalid",
    };

    /// <summary>The error without its field path (the cause's message).</summary>
    public string Body => Type switch
    {
        FieldErrorType.Required => Detail.Length == 0 ? "Required value" : "Required value: " + Detail,
        FieldErrorType.Forbidden => Detail.Length == 0 ? "Forbidden" : "Forbidden: " + Detail,
        FieldErrorType.NotSupported => "Unsupported value: " + Value + ": " + Detail,
        FieldErrorType.TooLong => "Too long: " + Detail,
        FieldErrorType.TooMany => "Too many: " + Value + ": " + Detail,
        _ => "Invalid value: " + Value + (Detail.Length == 0 ? "" : ": " + Detail),
    };

    /// <summary><c>field: body</c>, with <c>&lt;nil&gt;</c> for an error of no field.</summary>
    public override string ToString() => (Field.Length == 0 ? "<nil>" : Field) + ": " + Body;

    /// <summary>A value as Go's <c>%#v</c>-like rendering in field errors: strings quoted, numbers and booleans bare.</summary>
    public static string Render(JsonNode? value) => value switch
    {
        null => "\"null\"",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v => v.ToJsonString(),
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };

    public static string Quote(string s)
    {
        var b = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => b.Append("\\\""),
                '\\' => b.Append("\\\\"),
                '\n' => b.Append("\\n"),
                '\t' => b.Append("\\t"),
                '\r' => b.Append("\\r"),
                _ => b.Append(c),
            };
        }

        return b.Append('"').ToString();
    }
}
