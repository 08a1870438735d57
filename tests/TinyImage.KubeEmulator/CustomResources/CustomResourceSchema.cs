using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// One served version's openAPIV3Schema, prepared once when the CRD is written (CEL rules compiled then), applied to
/// every write of a custom resource as the apiextensions server does: prune unknown fields (unless
/// x-kubernetes-preserve-unknown-fields), apply defaults, validate against the schema (kube-openapi's messages), and,
/// when that found nothing blocking, evaluate the x-kubernetes-validations rules (with oldSelf on updates).
/// </summary>
internal sealed class CustomResourceSchema
{
    private readonly JsonObject _root;
    private readonly Dictionary<string, CelProgramDelegate> _programs = new(StringComparer.Ordinal);

    // The rules whose field selections may be answered from the variables (CelVariables).
    private readonly HashSet<string> _resolvesPaths = new(StringComparer.Ordinal);

    // Per rule, the only top-level fields of self and oldSelf it can observe (CelRules.ObservedFields; absent: all).
    private readonly Dictionary<string, IReadOnlySet<string>> _observedFields = new(StringComparer.Ordinal);

    // Schema nodes with a transition rule (oldSelf) at or below them: those are evaluated even when unchanged.
    private readonly HashSet<JsonObject> _hasTransitionRules = new(ReferenceEqualityComparer.Instance);

    // The objects that passed Validate against this schema (those committed are never mutated afterwards); weakly held.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonObject, object?> _validated = new();

    /// <summary>
    /// Remembers that <paramref name="obj"/> passed <see cref="Validate"/> against this schema: when it is stored and a later
    /// write leaves one of its top-level fields as it was, that field is not validated again (<see cref="Validate"/>).
    /// </summary>
    public void MarkValidated(JsonObject obj) => _validated.AddOrUpdate(obj, null);

    /// <summary>Whether <paramref name="obj"/> passed <see cref="Validate"/> against this schema (for tests).</summary>
    internal bool WasValidated(JsonObject obj) => _validated.TryGetValue(obj, out _);

    /// <summary>The openAPIV3Schema this was compiled from (a private copy: read it, never change it).</summary>
    public JsonObject Root => _root;

    public CustomResourceSchema(JsonObject openApiV3Schema)
    {
        _root = (JsonObject)openApiV3Schema.DeepClone();
        MarkTransitionRules(_root);
        foreach (var (rule, _) in Rules(_root))
        {
            if (!_programs.ContainsKey(rule) && CelRules.Compile(rule, out _) is { } program)
            {
                _programs[rule] = program;
                if (CelRules.ResolvesPaths(rule))
                {
                    _resolvesPaths.Add(rule);
                }

                if (CelRules.ObservedFields(rule) is { } observed)
                {
                    _observedFields[rule] = observed;
                }
            }
        }
    }

    private bool MarkTransitionRules(JsonObject schema)
    {
        var any = (schema["x-kubernetes-validations"] as JsonArray ?? []).Any(r => ((string?)r?["rule"])?.Contains("oldSelf", StringComparison.Ordinal) == true);
        foreach (var child in Children(schema))
        {
            any |= MarkTransitionRules(child);
        }

        if (any)
        {
            _hasTransitionRules.Add(schema);
        }

        return any;
    }

    /// <summary>Every rule with the schema node it sits on.</summary>
    public static IEnumerable<(string Rule, JsonObject Schema)> Rules(JsonObject schema)
    {
        foreach (var r in (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)r["rule"] is { } text)
            {
                yield return (text, schema);
            }
        }

        foreach (var child in Children(schema))
        {
            foreach (var r in Rules(child))
            {
                yield return r;
            }
        }
    }

    private static IEnumerable<JsonObject> Children(JsonObject schema)
    {
        foreach (var (_, p) in schema["properties"] as JsonObject ?? [])
        {
            if (p is JsonObject o)
            {
                yield return o;
            }
        }

        if (schema["additionalProperties"] is JsonObject ap)
        {
            yield return ap;
        }

        if (schema["items"] is JsonObject items)
        {
            yield return items;
        }
    }

    // ------------------------------------------------------------------ pruning

    /// <summary>Drops fields the schema does not specify; apiVersion, kind and metadata stay at the root.</summary>
    public void Prune(JsonObject obj) => Prune(obj, _root, isRoot: true);

    /// <summary>Prunes a value below the root (a default, a nested object) against its schema.</summary>
    public static void PruneValue(JsonNode? value, JsonObject schema) => Prune(value, schema, isRoot: false);

    private static void Prune(JsonNode? value, JsonObject schema, bool isRoot)
    {
        switch (value)
        {
            case JsonObject o:
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                var preserve = IsTrue(schema["x-kubernetes-preserve-unknown-fields"]) || schema["additionalProperties"] is JsonValue { } ap && ap.GetValueKind() == JsonValueKind.True;
                var keepMeta = isRoot || IsTrue(schema["x-kubernetes-embedded-resource"]);
                foreach (var (key, child) in o.ToList())
                {
                    if (keepMeta && key is "apiVersion" or "kind" or "metadata")
                    {
                        if (properties?[key] is JsonObject metaSchema && key != "metadata")
                        {
                            Prune(child, metaSchema, false);
                        }

                        continue;
                    }

                    if (properties?[key] is JsonObject childSchema)
                    {
                        Prune(child, childSchema, false);
                    }
                    else if (additional is not null)
                    {
                        Prune(child, additional, false);
                    }
                    else if (!preserve)
                    {
                        o.Remove(key);
                    }
                }

                break;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                foreach (var item in a)
                {
                    Prune(item, itemSchema, false);
                }

                break;
        }
    }

    // ------------------------------------------------------------------ defaulting

    /// <summary>Applies defaults: an absent property (or a null one that is not nullable) gets its default, then deeper defaults.</summary>
    public void Default(JsonObject obj) => Default(obj, _root);

    /// <summary>
    /// Whether <see cref="Default(JsonObject)"/> would change <paramref name="obj"/>: a property with a default is absent (or
    /// null where not nullable) somewhere in it. Read without copying, so an object that needs none is served as stored.
    /// </summary>
    public bool NeedsDefaults(JsonObject obj) => NeedsDefaults(obj, _root);

    private static bool NeedsDefaults(JsonNode? value, JsonObject schema)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, p) in schema["properties"] as JsonObject ?? [])
                {
                    if (p is not JsonObject propertySchema)
                    {
                        continue;
                    }

                    var present = o.TryGetPropertyValue(name, out var child);
                    if (WantsDefault(propertySchema, present, child))
                    {
                        return true;
                    }

                    if (child is not null && NeedsDefaults(child, propertySchema))
                    {
                        return true;
                    }
                }

                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, child) in o)
                    {
                        if (NeedsDefaults(child, valueSchema))
                        {
                            return true;
                        }
                    }
                }

                return false;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                foreach (var item in a)
                {
                    if (NeedsDefaults(item, itemSchema))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>A property the schema defaults that is absent, or null where the schema does not allow null.</summary>
    private static bool WantsDefault(JsonObject propertySchema, bool present, JsonNode? value) =>
        propertySchema["default"] is not null && (!present || (value is null && !IsTrue(propertySchema["nullable"])));

    private static void Default(JsonNode? value, JsonObject schema)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, p) in schema["properties"] as JsonObject ?? [])
                {
                    if (p is not JsonObject propertySchema)
                    {
                        continue;
                    }

                    var present = o.TryGetPropertyValue(name, out var child);
                    if (WantsDefault(propertySchema, present, child))
                    {
                        o[name] = propertySchema["default"]!.DeepClone();
                    }

                    if (o[name] is { } next)
                    {
                        Default(next, propertySchema);
                    }
                }

                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, child) in o.ToList())
                    {
                        Default(child, valueSchema);
                    }
                }

                break;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                foreach (var item in a)
                {
                    Default(item, itemSchema);
                }

                break;
        }
    }

    // ------------------------------------------------------------------ validation

    /// <summary>Schema errors, then CEL rule failures when nothing blocking was found; empty when the write is valid.</summary>
    public List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        // A top-level field (spec under a status write, status under a spec write) equal to the stored object's, which passed
        // this very schema when it was written, passes again: validation of a subtree depends on nothing outside it.
        var validatedOld = old is not null && _validated.TryGetValue(old, out _) ? old : null;
        ValidateValue("", obj, _root, errors, isRoot: true, validatedOld);
        if (errors.Any(e => e.Type is FieldErrorType.NotSupported or FieldErrorType.Required or FieldErrorType.TooLong or FieldErrorType.TooMany or FieldErrorType.TypeInvalid))
        {
            errors.Add(FieldError.Invalid("", (JsonNode?)null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            return errors;
        }

        EvaluateRules("", obj, old, _root, errors, isRoot: true);
        return errors;
    }

    /// <summary>kube-openapi's checks of one value against one schema node, recursively (root metadata is ObjectMeta's business).</summary>
    public static void ValidateValue(string path, JsonNode? value, JsonObject schema, List<FieldError> errors, bool isRoot = false, JsonObject? validatedOld = null)
    {
        var type = (string?)schema["type"];
        var intOrString = IsTrue(schema["x-kubernetes-int-or-string"]);
        var bodyPath = path.Length == 0 ? "body" : path;
        var shown = path.Length == 0 ? "" : path;
        if (value is null)
        {
            if (!IsTrue(schema["nullable"]) && (type is not null || intOrString))
            {
                errors.Add(FieldError.TypeInvalid(shown, null, $"{bodyPath} in body must be of type {(intOrString ? "integer,string" : type)}: \"null\""));
            }

            return;
        }

        var kind = value.GetValueKind();
        var actual = kind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Array => "array",
            _ => "object",
        };
        var ok = intOrString ? actual is "integer" or "string"
            : type is null || type == actual || (type == "number" && actual == "integer");
        if (!ok)
        {
            errors.Add(FieldError.TypeInvalid(shown, value, $"{bodyPath} in body must be of type {(intOrString ? "integer,string" : type)}: \"{actual}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(shown, value, allowed.Select(FieldError.Render)));
        }

        switch (actual)
        {
            case "string":
                var s = value.GetValue<string>();
                var length = s.EnumerateRunes().Count();
                if (JsonNumbers.Long(schema["maxLength"]) is { } max && length > max)
                {
                    errors.Add(FieldError.TooLong(shown, $"may not be more than {max.ToString(CultureInfo.InvariantCulture)} bytes"));
                }

                if (JsonNumbers.Long(schema["minLength"]) is { } min && length < min)
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be at least {min.ToString(CultureInfo.InvariantCulture)} chars long"));
                }

                if ((string?)schema["pattern"] is { } pattern && Re2Pattern.Error(pattern) is null && !Re2Pattern.IsMatch(pattern, s))
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should match '{pattern}'"));
                }

                break;
            case "integer" or "number":
                var n = Number(value);
                if (Number(schema["maximum"]) is { } maximum && n > maximum)
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be less than or equal to {Format(maximum)}"));
                }

                if (Number(schema["minimum"]) is { } minimum && n < minimum)
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be greater than or equal to {Format(minimum)}"));
                }

                break;
            case "array":
                var a = (JsonArray)value;
                if (JsonNumbers.Long(schema["maxItems"]) is { } maxItems && a.Count > maxItems)
                {
                    errors.Add(FieldError.TooMany(shown, a.Count, maxItems));
                }

                if (JsonNumbers.Long(schema["minItems"]) is { } minItems && a.Count < minItems)
                {
                    errors.Add(FieldError.Invalid(shown, a.Count, $"{bodyPath} in body should have at least {minItems.ToString(CultureInfo.InvariantCulture)} items"));
                }

                if (schema["items"] is JsonObject itemSchema)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        ValidateValue(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", a[i], itemSchema, errors);
                    }
                }

                break;
            case "object":
                var o = (JsonObject)value;
                if (JsonNumbers.Long(schema["maxProperties"]) is { } maxProps && o.Count > maxProps)
                {
                    errors.Add(FieldError.TooMany(shown, o.Count, maxProps));
                }

                if (JsonNumbers.Long(schema["minProperties"]) is { } minProps && o.Count < minProps)
                {
                    errors.Add(FieldError.Invalid(shown, o.Count, $"{bodyPath} in body should have at least {minProps.ToString(CultureInfo.InvariantCulture)} properties"));
                }

                foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>())
                {
                    if (!o.ContainsKey(required))
                    {
                        errors.Add(FieldError.Required(Child(path, required)));
                    }
                }

                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (key, child) in o)
                {
                    if (isRoot && key is "metadata" or "apiVersion" or "kind")
                    {
                        continue;
                    }

                    if (validatedOld?[key] is { } before && JsonNode.DeepEquals(child, before))
                    {
                        continue;
                    }

                    if (properties?[key] is JsonObject childSchema)
                    {
                        ValidateValue(Child(path, key), child, childSchema, errors);
                    }
                    else if (additional is not null)
                    {
                        ValidateValue(path + "[" + key + "]", child, additional, errors);
                    }
                }

                break;
        }
    }

    private void EvaluateRules(string path, JsonNode? value, JsonNode? old, JsonObject schema, List<FieldError> errors, bool isRoot)
    {
        // Validation ratcheting (CRDValidationRatcheting, on by default since 1.30, GA in 1.33): errors on a value the
        // update leaves unchanged are dropped, so an unchanged subtree (a spec under a status write) is not evaluated.
        if (value is null || (old is not null && !_hasTransitionRules.Contains(schema) && JsonNode.DeepEquals(value, old)))
        {
            return;
        }

        foreach (var r in (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var rule = (string?)r["rule"];
            if (rule is null || !_programs.TryGetValue(rule, out var program))
            {
                continue;
            }

            var transition = rule.Contains("oldSelf", StringComparison.Ordinal);
            if (transition && old is null && !IsTrue(r["optionalOldSelf"]))
            {
                continue;
            }

            var type = (string?)schema["type"] ?? "object";
            try
            {
                var observed = _observedFields.GetValueOrDefault(rule);
                var vars = new CelVariables(_resolvesPaths.Contains(rule)) { ["self"] = ToCelSelf(value, isRoot, observed) };
                if (transition)
                {
                    vars["oldSelf"] = old is null ? null : ToCelSelf(old, isRoot, observed);
                }

                if (program(vars) is not true)
                {
                    var message = (string?)r["message"] is { Length: > 0 } m ? m : "failed rule: " + rule;
                    errors.Add(FieldError.Invalid(path, type, message));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                errors.Add(FieldError.Invalid(path, type, e.Message));
            }
        }

        switch (value)
        {
            case JsonObject o:
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                var oldObject = old as JsonObject;
                foreach (var (key, child) in o)
                {
                    if (isRoot && key == "metadata")
                    {
                        continue;
                    }

                    if (properties?[key] is JsonObject childSchema)
                    {
                        EvaluateRules(Child(path, key), child, oldObject?[key], childSchema, errors, false);
                    }
                    else if (additional is not null)
                    {
                        EvaluateRules(path + "[" + key + "]", child, oldObject?[key], additional, errors, false);
                    }
                }

                break;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                // List items are not correlatable without x-kubernetes-list-type: map, so transition rules see no oldSelf.
                for (var i = 0; i < a.Count; i++)
                {
                    EvaluateRules(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", a[i], null, itemSchema, errors, false);
                }

                break;
        }
    }

    // At the root, rules see metadata.name and metadata.generateName only. Of an object, only the fields the rule can
    // observe are converted (all when observed is null).
    private static object? ToCelSelf(JsonNode node, bool isRoot, IReadOnlySet<string>? observed)
    {
        if (node is not JsonObject o || (!isRoot && observed is null))
        {
            return CelRules.ToCel(node);
        }

        var self = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, child) in o)
        {
            if (observed is not null && !observed.Contains(key))
            {
                continue;
            }

            if (isRoot && key == "metadata" && child is JsonObject meta)
            {
                var visible = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var field in new[] { "name", "generateName" })
                {
                    if (meta[field] is JsonValue v)
                    {
                        visible[field] = (string?)v;
                    }
                }

                self["metadata"] = visible;
            }
            else
            {
                self[key] = CelRules.ToCel(child);
            }
        }

        return self;
    }

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static bool IsTrue(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static bool IsInteger(JsonNode n) => JsonNumbers.Long(n) is not null;

    private static double? Number(JsonNode? n) => n switch
    {
        JsonValue v when JsonNumbers.Long(v) is { } l => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number => e.GetDouble(),
        _ => null,
    };

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
