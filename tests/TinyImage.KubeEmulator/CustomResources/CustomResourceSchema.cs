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

    // Outcomes of rules without oldSelf by rule and the JSON of what the rule observes of self (CelInput): null when the
    // rule held, else the failure's message. A rule is a pure function of that input; kept until MaxOutcomes, inputs of
    // at most MaxOutcomeInput characters.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Rule, string Input), string?> _outcomes = new();

    internal const int MaxOutcomes = 16384;

    // An input longer than this (a rule over a large value) is evaluated every time rather than kept.
    internal const int MaxOutcomeInput = 4096;

    // The schema as validation reads it, read once.
    private readonly SchemaNode _node;

    // The objects that passed Validate against this schema (those committed are never mutated afterwards), weakly held, each
    // with whether every rule at its root held (RootRulesHeld) or not (RootRulesNotHeld).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonObject, object> _validated = new();
    private static readonly object RootRulesHeld = new();
    private static readonly object RootRulesNotHeld = new();

    /// <summary>
    /// Remembers that <paramref name="obj"/> passed <see cref="Validate"/> against this schema, and whether every rule at its
    /// root held (<paramref name="rootRulesHeld"/>): when it is stored and a later write leaves what such a rule observes as
    /// it was, the rule holds again without being evaluated.
    /// </summary>
    public void MarkValidated(JsonObject obj, bool rootRulesHeld) => _validated.AddOrUpdate(obj, rootRulesHeld ? RootRulesHeld : RootRulesNotHeld);

    /// <summary>The verdict <see cref="MarkValidated"/> recorded for <paramref name="obj"/>, or null when it was not validated here.</summary>
    internal object? VerdictOf(JsonObject obj) => _validated.TryGetValue(obj, out var verdict) ? verdict : null;

    /// <summary>
    /// Records <paramref name="verdict"/> (from <see cref="VerdictOf"/>) for <paramref name="copy"/>, a tree read back from the
    /// JSON of the object that earned it: the same content, so the same verdict.
    /// </summary>
    internal void MarkValidatedCopy(JsonObject copy, object verdict)
    {
        if (ReferenceEquals(verdict, RootRulesHeld) || ReferenceEquals(verdict, RootRulesNotHeld))
        {
            _validated.AddOrUpdate(copy, verdict);
        }
    }

    /// <summary>Whether <paramref name="obj"/> passed <see cref="Validate"/> against this schema (for tests).</summary>
    internal bool WasValidated(JsonObject obj) => _validated.TryGetValue(obj, out _);

    /// <summary>The openAPIV3Schema this was compiled from (a private copy: read it, never change it).</summary>
    public JsonObject Root => _root;

    public CustomResourceSchema(JsonObject openApiV3Schema)
    {
        _root = (JsonObject)openApiV3Schema.DeepClone();
        _node = new SchemaNode(_root);
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

    // ------------------------------------------------------------------ pruning and defaulting

    /// <summary>
    /// Prunes, then defaults a write (<see cref="Prune(JsonObject)"/>, <see cref="Default(JsonObject)"/>). A status write
    /// (<paramref name="statusOnly"/>) whose stored object <paramref name="old"/> passed this schema changes only its status:
    /// every other field is the stored object's, pruned and defaulted under this very schema when it was written (both are
    /// idempotent), so only the status is pruned and defaulted.
    /// </summary>
    public void PruneAndDefault(JsonObject obj, JsonObject? old, bool statusOnly)
    {
        if (!statusOnly || old is null || !_validated.TryGetValue(old, out _))
        {
            Prune(obj);
            Default(obj);
            return;
        }

        const string status = "status";
        if (obj.TryGetPropertyValue(status, out var written))
        {
            if (_node.Properties?.TryGetValue(status, out var statusSchema) == true)
            {
                Prune(written, statusSchema, false);
            }
            else if (_node.Additional is { } additional)
            {
                Prune(written, additional, false);
            }
            else if (!_node.PreserveUnknownFields)
            {
                obj.Remove(status);
            }
        }

        if (_node.Properties?.TryGetValue(status, out var propertySchema) == true)
        {
            DefaultProperty(obj, status, propertySchema);
        }

        if (_node.Additional is { } valueSchema && obj[status] is { } child)
        {
            Default(child, valueSchema);
        }
    }

    /// <summary>Drops fields the schema does not specify; apiVersion, kind and metadata stay at the root.</summary>
    public void Prune(JsonObject obj) => Prune(obj, _node, isRoot: true);

    /// <summary>Prunes a value below the root (a default, a nested object) against its schema.</summary>
    public static void PruneValue(JsonNode? value, JsonObject schema) => Prune(value, new SchemaNode(schema), isRoot: false);

    private static void Prune(JsonNode? value, SchemaNode schema, bool isRoot)
    {
        switch (value)
        {
            case JsonObject o:
                var keepMeta = isRoot || schema.EmbeddedResource;

                // Backwards, so that removing a field leaves the ones still to visit where they are.
                for (var i = o.Count - 1; i >= 0; i--)
                {
                    var (key, child) = o.GetAt(i);
                    SchemaNode? childSchema = null;
                    var declared = schema.Properties?.TryGetValue(key, out childSchema) == true;
                    if (keepMeta && key is "apiVersion" or "kind" or "metadata")
                    {
                        if (declared && key != "metadata")
                        {
                            Prune(child, childSchema!, false);
                        }

                        continue;
                    }

                    if (declared)
                    {
                        Prune(child, childSchema!, false);
                    }
                    else if (schema.Additional is { } additional)
                    {
                        Prune(child, additional, false);
                    }
                    else if (!schema.PreserveUnknownFields)
                    {
                        o.RemoveAt(i);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } itemSchema:
                for (var i = 0; i < a.Count; i++)
                {
                    Prune(a[i], itemSchema, false);
                }

                break;
        }
    }

    /// <summary>Applies defaults: an absent property (or a null one that is not nullable) gets its default, then deeper defaults.</summary>
    public void Default(JsonObject obj) => Default(obj, _node);

    /// <summary>
    /// Whether <see cref="Default(JsonObject)"/> would change <paramref name="obj"/>: a property with a default is absent (or
    /// null where not nullable) somewhere in it. Read without copying, so an object that needs none is served as stored.
    /// </summary>
    public bool NeedsDefaults(JsonObject obj) => NeedsDefaults(obj, _node);

    private static bool NeedsDefaults(JsonNode? value, SchemaNode schema)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, propertySchema) in schema.PropertyList)
                {
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

                if (schema.Additional is { } valueSchema)
                {
                    for (var i = 0; i < o.Count; i++)
                    {
                        if (NeedsDefaults(o.GetAt(i).Value, valueSchema))
                        {
                            return true;
                        }
                    }
                }

                return false;
            case JsonArray a when schema.Items is { } itemSchema:
                for (var i = 0; i < a.Count; i++)
                {
                    if (NeedsDefaults(a[i], itemSchema))
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
    private static bool WantsDefault(SchemaNode propertySchema, bool present, JsonNode? value) =>
        propertySchema.Default is not null && (!present || (value is null && !propertySchema.Nullable));

    private static void Default(JsonNode? value, SchemaNode schema)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var (name, propertySchema) in schema.PropertyList)
                {
                    DefaultProperty(o, name, propertySchema);
                }

                if (schema.Additional is { } valueSchema)
                {
                    for (var i = 0; i < o.Count; i++)
                    {
                        Default(o.GetAt(i).Value, valueSchema);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } itemSchema:
                for (var i = 0; i < a.Count; i++)
                {
                    Default(a[i], itemSchema);
                }

                break;
        }
    }

    private static void DefaultProperty(JsonObject o, string name, SchemaNode propertySchema)
    {
        var present = o.TryGetPropertyValue(name, out var child);
        if (WantsDefault(propertySchema, present, child))
        {
            o[name] = propertySchema.Default!.DeepClone();
        }

        if (o[name] is { } next)
        {
            Default(next, propertySchema);
        }
    }

    // ------------------------------------------------------------------ validation

    /// <summary>
    /// Schema errors, then CEL rule failures when nothing blocking was found; empty when the write is valid.
    /// On an update (<paramref name="old"/>, the stored object) both ratchet as the apiextensions server does
    /// (CRDValidationRatcheting, GA in 1.33): an error on a value equal to its correlated old value is dropped
    /// (apiserver <c>schema/validation/ratcheting.go</c>, <c>cel/common/equality.go</c>: an object's fields correlate by
    /// key, a list's items only in a list of type map, by its keys), so such a value is not validated at all, and a rule
    /// on an unchanged value is not evaluated unless a transition rule sits at or below it (<c>schema/cel/validation.go</c>).
    /// <paramref name="statusOnly"/>: a write of the status subresource, whose every other top-level field the store took
    /// from <paramref name="old"/> (as the status strategy's PrepareForUpdate does): those are unchanged without comparing.
    /// <paramref name="rootRulesHeld"/>: every rule at the root held for <paramref name="obj"/> (for <see cref="MarkValidated"/>).
    /// </summary>
    public List<FieldError> Validate(JsonObject obj, JsonObject? old, bool statusOnly, out bool rootRulesHeld)
    {
        // Of a stored object written under this schema, a status write keeps every other field as stored. (Of one written
        // under an older schema, the spec may have gained the newer defaults here; the real server defaults the stored
        // object on read, so there too the spec equals the old one and is not validated.)
        System.Diagnostics.Debug.Assert(
            !statusOnly || old is null || !_validated.TryGetValue(old, out _) || old.Where(f => f.Key != "status").All(f => JsonNode.DeepEquals(f.Value, obj[f.Key])),
            "a status write keeps every other field of the stored object");
        rootRulesHeld = false;
        var errors = new List<FieldError>();
        Check("", obj, _node, errors, isRoot: true, old, statusOnly: statusOnly && old is not null);
        if (errors.Any(e => e.Type is FieldErrorType.NotSupported or FieldErrorType.Required or FieldErrorType.TooLong or FieldErrorType.TooMany or FieldErrorType.TypeInvalid))
        {
            errors.Add(FieldError.Invalid("", (JsonNode?)null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            return errors;
        }

        rootRulesHeld = EvaluateRoot(obj, old, statusOnly: statusOnly && old is not null, errors);
        return errors;
    }

    /// <summary>kube-openapi's checks of one value against one schema node, recursively (root metadata is ObjectMeta's business).</summary>
    public static void ValidateValue(string path, JsonNode? value, JsonObject schema, List<FieldError> errors) =>
        Check(path, value, new SchemaNode(schema), errors, isRoot: false, old: null, statusOnly: false);

    // One value against one node. old: the correlated old value (null: none), never equal to value below the root (an equal
    // child is not checked at all: its errors would be ratcheted); at the root, errors are dropped when the whole object is
    // unchanged (a no-op update).
    private static void Check(string path, JsonNode? value, SchemaNode schema, List<FieldError> errors, bool isRoot, JsonNode? old, bool statusOnly)
    {
        var before = errors.Count;

        // First without building the paths (a string per node walked; errors are rare), then again with them when any error
        // was found: CheckNode is a function of its arguments, so the second walk finds the same errors, now named.
        CheckNode(null, value, schema, errors, isRoot, old, statusOnly);
        if (errors.Count > before)
        {
            errors.RemoveRange(before, errors.Count - before);
            CheckNode(path, value, schema, errors, isRoot, old, statusOnly);
        }

        if (isRoot && old is not null && errors.Count > before && JsonNode.DeepEquals(value, old))
        {
            errors.RemoveRange(before, errors.Count - before);
        }
    }

    // path: null when the errors found will be dropped (Check's first walk), so that no child's path is built.
    private static void CheckNode(string? path, JsonNode? value, SchemaNode schema, List<FieldError> errors, bool isRoot, JsonNode? old, bool statusOnly)
    {
        var type = schema.Type;
        var intOrString = schema.IntOrString;
        var bodyPath = string.IsNullOrEmpty(path) ? "body" : path;
        var shown = path ?? "";
        if (value is null)
        {
            if (!schema.Nullable && (type is not null || intOrString))
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

        if (schema.Enum is { } allowed && !AnyEqual(allowed, value))
        {
            errors.Add(FieldError.NotSupported(shown, value, allowed.Select(FieldError.Render)));
        }

        switch (actual)
        {
            case "string":
                if (schema.MaxLength is not null || schema.MinLength is not null || schema.Pattern is not null)
                {
                    var s = value.GetValue<string>();
                    var length = schema.MaxLength is not null || schema.MinLength is not null ? s.EnumerateRunes().Count() : 0;
                    if (schema.MaxLength is { } max && length > max)
                    {
                        errors.Add(FieldError.TooLong(shown, $"may not be more than {max.ToString(CultureInfo.InvariantCulture)} bytes"));
                    }

                    if (schema.MinLength is { } min && length < min)
                    {
                        errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be at least {min.ToString(CultureInfo.InvariantCulture)} chars long"));
                    }

                    if (schema.Pattern is { } pattern && !Re2Pattern.IsMatch(pattern, s))
                    {
                        errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should match '{pattern}'"));
                    }
                }

                break;
            case "integer" or "number":
                var n = SchemaNode.Number(value);
                if (schema.Maximum is { } maximum && n > maximum)
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be less than or equal to {Format(maximum)}"));
                }

                if (schema.Minimum is { } minimum && n < minimum)
                {
                    errors.Add(FieldError.Invalid(shown, value, $"{bodyPath} in body should be greater than or equal to {Format(minimum)}"));
                }

                break;
            case "array":
                var a = (JsonArray)value;
                if (schema.MaxItems is { } maxItems && a.Count > maxItems)
                {
                    errors.Add(FieldError.TooMany(shown, a.Count, maxItems));
                }

                if (schema.MinItems is { } minItems && a.Count < minItems)
                {
                    errors.Add(FieldError.Invalid(shown, a.Count, $"{bodyPath} in body should have at least {minItems.ToString(CultureInfo.InvariantCulture)} items"));
                }

                if (schema.Items is { } itemSchema)
                {
                    var oldList = old as JsonArray;
                    for (var i = 0; i < a.Count; i++)
                    {
                        var item = a[i];
                        var oldItem = oldList is null ? null : schema.CorrelatedItem(oldList, item);
                        if (oldItem is not null && JsonNode.DeepEquals(item, oldItem))
                        {
                            continue;
                        }

                        CheckNode(path is null ? null : path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", item, itemSchema, errors, false, oldItem, false);
                    }
                }

                break;
            case "object":
                var o = (JsonObject)value;
                if (schema.MaxProperties is { } maxProps && o.Count > maxProps)
                {
                    errors.Add(FieldError.TooMany(shown, o.Count, maxProps));
                }

                if (schema.MinProperties is { } minProps && o.Count < minProps)
                {
                    errors.Add(FieldError.Invalid(shown, o.Count, $"{bodyPath} in body should have at least {minProps.ToString(CultureInfo.InvariantCulture)} properties"));
                }

                foreach (var required in schema.Required)
                {
                    if (!o.ContainsKey(required))
                    {
                        errors.Add(FieldError.Required(Child(path ?? "", required)));
                    }
                }

                var oldObject = old as JsonObject;
                for (var i = 0; i < o.Count; i++)
                {
                    var (key, child) = o.GetAt(i);
                    if (isRoot && key is "metadata" or "apiVersion" or "kind")
                    {
                        continue;
                    }

                    if (schema.Child(key) is not { } childSchema)
                    {
                        continue;
                    }

                    if (statusOnly && key != "status")
                    {
                        // Taken from the stored object by the status write: unchanged, so its errors are ratcheted.
                        continue;
                    }

                    JsonNode? oldChild = null;
                    if (oldObject is not null && oldObject.TryGetPropertyValue(key, out oldChild) && JsonNode.DeepEquals(child, oldChild))
                    {
                        continue;
                    }

                    var childPath = path is null ? null : schema.Properties?.ContainsKey(key) == true ? Child(path, key) : path + "[" + key + "]";
                    CheckNode(childPath, child, childSchema, errors, false, oldChild, false);
                }

                break;
        }
    }

    // The rules at the root: evaluated unless the stored object held them all under this schema and nothing they can
    // observe changed (then they hold again: a rule is a function of what it observes). Returns whether every root rule held.
    private bool EvaluateRoot(JsonObject obj, JsonObject? old, bool statusOnly, List<FieldError> errors)
    {
        var before = errors.Count;
        var oldHeld = old is not null && _validated.TryGetValue(old, out var state) && ReferenceEquals(state, RootRulesHeld);
        var held = EvaluateRules("", obj, old, _node, errors, isRoot: true, knownEqual: false, skipRule: r => oldHeld && Unobserved(r, obj, old!, statusOnly), statusOnly);
        if (old is not null && !_node.HasTransitionRules && errors.Count > before && JsonNode.DeepEquals(obj, old))
        {
            // Nothing changed: ratcheting drops the rules' errors (the root was not evaluated in the real server at all).
            errors.RemoveRange(before, errors.Count - before);
            return oldHeld;
        }

        return held;
    }

    // Whether what a root rule can observe is unchanged: its top-level fields (metadata: name and generateName) are old's.
    private bool Unobserved(string rule, JsonObject obj, JsonObject old, bool statusOnly)
    {
        if (rule.Contains("oldSelf", StringComparison.Ordinal) || _observedFields.GetValueOrDefault(rule) is not { } observed)
        {
            return false;
        }

        foreach (var field in observed)
        {
            if (statusOnly && field != "status")
            {
                continue;
            }

            var here = obj.TryGetPropertyValue(field, out var value);
            var there = old.TryGetPropertyValue(field, out var oldValue);
            if (here != there || !(field == "metadata"
                ? JsonNode.DeepEquals(value?["name"], oldValue?["name"]) && JsonNode.DeepEquals(value?["generateName"], oldValue?["generateName"])
                : JsonNode.DeepEquals(value, oldValue)))
            {
                return false;
            }
        }

        return true;
    }

    // Evaluates the rules of value's node and below; returns whether every rule of this node held (evaluated and true, or
    // skipped by skipRule). knownEqual: value is old's (a field a status write took from the stored object).
    private bool EvaluateRules(string path, JsonNode? value, JsonNode? old, SchemaNode schema, List<FieldError> errors, bool isRoot, bool knownEqual, Func<string, bool>? skipRule = null, bool statusOnly = false)
    {
        // Validation ratcheting: a rule on a value the update leaves unchanged is not evaluated, so an unchanged subtree (a
        // spec under a status write) is not walked, unless a transition rule at or below it must see oldSelf.
        if (value is null || !schema.HasRules || (old is not null && !schema.HasTransitionRules && (knownEqual || (!isRoot && JsonNode.DeepEquals(value, old)))))
        {
            return true;
        }

        var held = true;
        foreach (var r in schema.Rules)
        {
            var rule = (string)r["rule"]!;
            if (!_programs.TryGetValue(rule, out var program))
            {
                held = false;
                continue;
            }

            var transition = rule.Contains("oldSelf", StringComparison.Ordinal);
            if (transition && old is null && !IsTrue(r["optionalOldSelf"]))
            {
                continue;
            }

            if (skipRule?.Invoke(rule) == true)
            {
                continue;
            }

            var type = schema.Type ?? "object";
            var observed = _observedFields.GetValueOrDefault(rule);

            // A rule without oldSelf is a function of what it observes of self: an outcome is kept per rule and input.
            (string, string)? key = transition ? null : (rule, CelInput(value, isRoot, observed));
            if (key is { } k && _outcomes.TryGetValue(k, out var known))
            {
                if (known is not null)
                {
                    held = false;
                    errors.Add(FieldError.Invalid(path, type, known));
                }

                continue;
            }

            string? failure;
            try
            {
                var vars = new CelVariables(_resolvesPaths.Contains(rule)) { ["self"] = ToCelSelf(value, isRoot, observed) };
                if (transition)
                {
                    vars["oldSelf"] = old is null ? null : ToCelSelf(old, isRoot, observed);
                }

                failure = program(vars) is true ? null : (string?)r["message"] is { Length: > 0 } m ? m : "failed rule: " + rule;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e.Message;
            }

            if (key is { } added && added.Item2.Length <= MaxOutcomeInput && _outcomes.Count < MaxOutcomes)
            {
                _outcomes.TryAdd(added, failure);
            }

            if (failure is not null)
            {
                held = false;
                errors.Add(FieldError.Invalid(path, type, failure));
            }
        }

        switch (value)
        {
            case JsonObject o:
                var oldObject = old as JsonObject;
                for (var i = 0; i < o.Count; i++)
                {
                    var (key, child) = o.GetAt(i);
                    if (isRoot && key == "metadata")
                    {
                        continue;
                    }

                    if (schema.Child(key) is { HasRules: true } childSchema)
                    {
                        var childPath = schema.Properties?.ContainsKey(key) == true ? Child(path, key) : path + "[" + key + "]";
                        EvaluateRules(childPath, child, oldObject?[key], childSchema, errors, false, knownEqual: statusOnly && key != "status");
                    }
                }

                break;
            case JsonArray a when schema.Items is { HasRules: true } itemSchema:
                // List items are not correlatable without x-kubernetes-list-type: map, so transition rules see no oldSelf.
                for (var i = 0; i < a.Count; i++)
                {
                    EvaluateRules(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", a[i], null, itemSchema, errors, false, knownEqual: false);
                }

                break;
        }

        return held;
    }

    // The JSON of exactly what ToCelSelf gives a rule: of an object, the observed fields only (at the root, of metadata only
    // name and generateName), in the object's order; otherwise the whole value.
    private static string CelInput(JsonNode node, bool isRoot, IReadOnlySet<string>? observed)
    {
        // Written through the reused UTF-8 writer into one string (a key of the outcomes, compared, never parsed).
        if (node is not JsonObject o || (!isRoot && observed is null))
        {
            return JsonBytes.String(node);
        }

        return JsonBytes.String(w =>
        {
            w.WriteStartObject();
            for (var i = 0; i < o.Count; i++)
            {
                var (key, child) = o.GetAt(i);
                if (observed is not null && !observed.Contains(key))
                {
                    continue;
                }

                w.WritePropertyName(key);
                if (isRoot && key == "metadata" && child is JsonObject meta)
                {
                    w.WriteStartObject();
                    foreach (var field in MetadataObserved)
                    {
                        if (meta[field] is JsonValue v)
                        {
                            w.WritePropertyName(field);
                            v.WriteTo(w);
                        }
                    }

                    w.WriteEndObject();
                }
                else if (child is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    child.WriteTo(w);
                }
            }

            w.WriteEndObject();
        });
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

    private static bool AnyEqual(JsonArray allowed, JsonNode value)
    {
        for (var i = 0; i < allowed.Count; i++)
        {
            if (JsonNode.DeepEquals(allowed[i], value))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] MetadataObserved = ["name", "generateName"];

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static bool IsTrue(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static bool IsInteger(JsonNode n) => JsonNumbers.Long(n) is not null;

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
