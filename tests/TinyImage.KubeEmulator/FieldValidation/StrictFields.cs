using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// Server-side field validation (KEP-2885; staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go, update.go,
/// patch.go, and apiextensions-apiserver's unknown-field pruning): the <c>fieldValidation</c> query parameter is
/// <c>Strict</c> (unknown or duplicate fields refuse the request with 400), <c>Warn</c> (the default: each becomes a
/// <c>Warning: 299</c> header) or <c>Ignore</c>. Unknown fields of custom resources are named by their path
/// (<c>spec.ports[0].unknownNested</c>), duplicates by their key, as upstream's field_validation_test.go expects.
/// </summary>
internal static class StrictFields
{
    /// <summary>Parses the <c>fieldValidation</c> parameter, or returns the 400 the server answers for a bad value.</summary>
    public static (FieldValidationMode Mode, ApiResult? Error) Mode(string? value) => value switch
    {
        null or "" or "Warn" => (FieldValidationMode.Warn, null),
        "Strict" => (FieldValidationMode.Strict, null),
        "Ignore" => (FieldValidationMode.Ignore, null),
        _ => (FieldValidationMode.Warn, ApiErrors.BadRequest($"fieldValidation parameter unsupported: {value}")),
    };

    /// <summary>The unknown fields of an object (or a partial object, as in a merge patch) of <paramref name="type"/>.</summary>
    public static List<string> Unknown(JsonObject body, ResourceType type)
    {
        var found = new List<string>();
        if (type.IsCustomResource)
        {
            // The CRD's schema as compiled when it was registered; a custom resource registered without one keeps every field.
            if (type.Schema is { } schema)
            {
                WalkSchema(body, schema.Root, new FieldPath(), found, root: true);
                found.Sort(StringComparer.Ordinal);
            }
        }
        else if (BuiltInFields.TypeOf(type.ApiVersion, type.Kind) is { } model)
        {
            WalkModel(body, model, new FieldPath(), found);
        }

        return found.ConvertAll(p => $"unknown field \"{p}\"");
    }

    /// <summary>The Status of a refused create or update: <c>Kind in version "v" cannot be handled as a Kind: strict decoding error: ...</c>.</summary>
    public static ApiResult Refusal(ResourceType type, IReadOnlyList<string> errors, bool patch) =>
        ApiErrors.BadRequest(patch
            ? "strict decoding error: " + string.Join(", ", errors)
            : $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", errors)}");

    private static void WalkSchema(JsonNode? value, JsonObject? schema, FieldPath path, List<string> found, bool root = false)
    {
        if (schema is null || value is null)
        {
            return;
        }

        switch (value)
        {
            case JsonObject obj:
            {
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"];
                var preserve = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue pv && pv.GetValue<bool>();
                var embedded = root || (schema["x-kubernetes-embedded-resource"] is JsonValue ev && ev.GetValue<bool>());
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, child) = obj.GetAt(i); // by index: a foreach over a JsonObject allocates its enumerator
                    if (embedded && key is "apiVersion" or "kind")
                    {
                        continue;
                    }

                    path.Push(key);
                    if (embedded && key == "metadata" && child is JsonObject meta)
                    {
                        WalkModel(meta, typeof(V1ObjectMeta), path, found);
                    }
                    else if (properties?[key] is JsonObject propertySchema)
                    {
                        WalkSchema(child, propertySchema, path, found);
                    }
                    else if (additional is JsonObject additionalSchema)
                    {
                        WalkSchema(child, additionalSchema, path, found);
                    }
                    else if (!(additional is JsonValue a && a.GetValue<bool>()) && !preserve)
                    {
                        found.Add(path.ToString());
                    }

                    path.Pop();
                }

                break;
            }

            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    path.Push(i);
                    WalkSchema(array[i], items, path, found);
                    path.Pop();
                }

                break;
        }
    }

    private static void WalkModel(JsonNode? value, Type model, FieldPath path, List<string> found)
    {
        var (shape, element) = BuiltInFields.Shape(model);
        switch (shape)
        {
            case ShapeKind.Object when value is JsonObject obj:
                var properties = BuiltInFields.PropertiesOf(element!);
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, child) = obj.GetAt(i); // by index: a foreach over a JsonObject allocates its enumerator
                    if (key.StartsWith('$'))
                    {
                        continue; // strategic-merge-patch directives ($patch, $retainKeys, $setElementOrder/...)
                    }

                    path.Push(key);
                    if (properties.TryGetValue(key, out var childType))
                    {
                        WalkModel(child, childType, path, found);
                    }
                    else
                    {
                        found.Add(path.ToString());
                    }

                    path.Pop();
                }

                break;
            case ShapeKind.Map when value is JsonObject map:
                for (var i = 0; i < map.Count; i++)
                {
                    var (key, child) = map.GetAt(i);
                    path.Push(key);
                    WalkModel(child, element!, path, found);
                    path.Pop();
                }

                break;
            case ShapeKind.List when value is JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    path.Push(i);
                    WalkModel(list[i], element!, path, found);
                    path.Pop();
                }

                break;
        }
    }
}

/// <summary>The <c>fieldValidation</c> query parameter's values.</summary>
internal enum FieldValidationMode
{
    /// <summary>Unknown and duplicate fields are dropped silently.</summary>
    Ignore,

    /// <summary>Each becomes a warning (the default).</summary>
    Warn,

    /// <summary>Each refuses the request.</summary>
    Strict,
}
