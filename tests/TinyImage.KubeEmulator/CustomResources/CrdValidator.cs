using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// The apiextensions server's validation of a CustomResourceDefinition (apis/apiextensions/validation/validation.go and
/// apiserver/schema/validation.go): names, group, scope, versions and the one storage version, printer columns, and per
/// schema the OpenAPI restrictions, the structural invariants (types everywhere, root metadata only name/generateName),
/// valid defaults, and CEL rules that compile within the cost budget. Field paths are those of the internal version, so
/// a schema shared by every version is reported under <c>spec.validation.openAPIV3Schema</c>, as the real server does.
/// </summary>
internal static partial class CrdValidator
{
    private static readonly string[] Scopes = ["Cluster", "Namespaced"];
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];

    /// <summary>Sets the defaults v1 sets before validation: singular and listKind from kind.</summary>
    public static void ApplyDefaults(JsonObject crd)
    {
        if (crd["spec"]?["names"] is JsonObject names && (string?)names["kind"] is { Length: > 0 } kind)
        {
            if (string.IsNullOrEmpty((string?)names["singular"]))
            {
                names["singular"] = kind.ToLowerInvariant();
            }

            if (string.IsNullOrEmpty((string?)names["listKind"]))
            {
                names["listKind"] = kind + "List";
            }
        }
    }

    public static List<FieldError> Validate(JsonObject crd, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var group = (string?)spec["group"] ?? "";
        var plural = (string?)names["plural"] ?? "";
        var name = (string?)crd["metadata"]?["name"] ?? "";
        if (!DnsSubdomain().IsMatch(name) || name.Length > 253)
        {
            errors.Add(FieldError.Invalid("metadata.name", name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        }

        if (name != plural + "." + group)
        {
            errors.Add(FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            errors.Add(FieldError.Required("spec.group"));
        }
        else if (!DnsSubdomain().IsMatch(group))
        {
            errors.Add(FieldError.Invalid("spec.group", group, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("spec.group", group, "should be a domain with at least one dot"));
        }

        var scope = (string?)spec["scope"] ?? "";
        if (scope.Length == 0)
        {
            errors.Add(FieldError.Required("spec.scope"));
        }
        else if (!Scopes.Contains(scope))
        {
            errors.Add(FieldError.NotSupported("spec.scope", scope, Scopes.Select(FieldError.Quote)));
        }

        ValidateNames(names, errors);
        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        ValidateVersions(versions, errors);
        ValidateSchemas(versions, errors);
        if (old is not null)
        {
            Immutable(errors, "spec.group", group, (string?)old["spec"]?["group"]);
            Immutable(errors, "spec.names.plural", plural, (string?)old["spec"]?["names"]?["plural"]);
            Immutable(errors, "spec.scope", scope, (string?)old["spec"]?["scope"]);
            Immutable(errors, "spec.names.kind", (string?)names["kind"], (string?)old["spec"]?["names"]?["kind"]);
        }

        return errors;
    }

    private static void Immutable(List<FieldError> errors, string field, string? now, string? before)
    {
        if (before is not null && now != before)
        {
            errors.Add(FieldError.Invalid(field, now ?? "", "field is immutable"));
        }
    }

    private static void ValidateNames(JsonObject names, List<FieldError> errors)
    {
        foreach (var field in new[] { "plural", "singular", "kind", "listKind" })
        {
            if (string.IsNullOrEmpty((string?)names[field]))
            {
                errors.Add(FieldError.Required("spec.names." + field));
            }
        }

        foreach (var field in new[] { "plural", "singular" })
        {
            if ((string?)names[field] is { Length: > 0 } v && Dns1035(v) is { } why)
            {
                errors.Add(FieldError.Invalid("spec.names." + field, v, why));
            }
        }

        foreach (var field in new[] { "kind", "listKind" })
        {
            if ((string?)names[field] is { Length: > 0 } v && Dns1035(v.ToLowerInvariant()) is { } why)
            {
                errors.Add(FieldError.Invalid("spec.names." + field, v, "may have mixed case, but should otherwise match: " + why));
            }
        }

        if ((string?)names["kind"] is { Length: > 0 } k && k == (string?)names["listKind"])
        {
            errors.Add(FieldError.Invalid("spec.names.listKind", k, "kind and listKind may not be the same"));
        }

        foreach (var field in new[] { "shortNames", "categories" })
        {
            var list = names[field] as JsonArray ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if ((string?)list[i] is { } v && Dns1035(v) is { } why)
                {
                    errors.Add(FieldError.Invalid($"spec.names.{field}[{i}]", v, why));
                }
            }
        }
    }

    private static void ValidateVersions(List<JsonObject> versions, List<FieldError> errors)
    {
        if (versions.Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.versions", "[]", "must have exactly one version marked as storage version"));
            errors.Add(FieldError.Required("spec.versions", "must have at least one version"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            var name = (string?)v["name"] ?? "";
            unique &= seen.Add(name);
            if (Dns1035(name) is { } why)
            {
                errors.Add(FieldError.Invalid($"spec.versions[{i}].name", name, why));
            }

        }

        // Like the schema, columns shared by every version are validated as the internal version's spec.additionalPrinterColumns.
        var sharedColumns = versions.All(v => JsonNode.DeepEquals(v["additionalPrinterColumns"], versions[0]["additionalPrinterColumns"]));
        for (var i = 0; i < versions.Count; i++)
        {
            var columns = versions[i]["additionalPrinterColumns"] as JsonArray ?? [];
            var prefix = sharedColumns ? "spec.additionalPrinterColumns" : $"spec.versions[{i}].additionalPrinterColumns";
            for (var c = 0; c < columns.Count; c++)
            {
                ValidateColumn(columns[c] as JsonObject ?? [], $"{prefix}[{c}]", errors);
            }

            if (sharedColumns)
            {
                break;
            }
        }

        if (!unique)
        {
            errors.Add(FieldError.Invalid("spec.versions", "versions", "must contain unique version names"));
        }

        var storage = versions.Count(v => v["storage"] is JsonValue s && s.GetValueKind() == JsonValueKind.True);
        if (storage != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", "versions", "must have exactly one version marked as storage version"));
        }
    }

    private static void ValidateColumn(JsonObject column, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty((string?)column["name"]))
        {
            errors.Add(FieldError.Required(path + ".name"));
        }

        var type = (string?)column["type"] ?? "";
        if (type.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".type", "must be one of " + string.Join(",", ColumnTypes)));
        }
        else if (!ColumnTypes.Contains(type))
        {
            errors.Add(FieldError.NotSupported(path + ".type", type, ColumnTypes.Select(FieldError.Quote)));
        }

        var jsonPath = (string?)column["jsonPath"] ?? "";
        if (jsonPath.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".jsonPath"));
        }
        else if (!jsonPath.StartsWith('.') || jsonPath.Count(ch => ch == '[') != jsonPath.Count(ch => ch == ']') || jsonPath.Count(ch => ch == '(') != jsonPath.Count(ch => ch == ')'))
        {
            errors.Add(FieldError.Invalid(path + ".jsonPath", jsonPath, "must be a simple json path starting with ."));
        }
    }

    private static void ValidateSchemas(List<JsonObject> versions, List<FieldError> errors)
    {
        var schemas = versions.Select(v => v["schema"]?["openAPIV3Schema"] as JsonObject).ToList();
        var shared = schemas.Count > 0 && schemas.All(s => s is not null && JsonNode.DeepEquals(s, schemas[0]));
        for (var i = 0; i < versions.Count; i++)
        {
            if (schemas[i] is not { } schema)
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"));
                continue;
            }

            var path = shared ? "spec.validation.openAPIV3Schema" : $"spec.versions[{i}].schema.openAPIV3Schema";
            var before = errors.Count;
            OpenApi(schema, path, errors, SchemaLevel.Root);
            var structural = new List<FieldError>();
            Structural(schema, path, structural, SchemaLevel.Root);
            structural.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
            errors.AddRange(structural);
            if (errors.Count == before)
            {
                Defaults(schema, path, errors, insideMetadata: false);
                Cel(schema, path, errors);
            }

            if (shared)
            {
                break;
            }
        }
    }

    // specStandardValidatorV3 and ValidateCustomResourceDefinitionOpenAPISchema: keywords the API does not take.
    private static void OpenApi(JsonObject s, string path, List<FieldError> errors, SchemaLevel level)
    {
        foreach (var (keyword, message) in new[]
        {
            ("id", "id is not supported"), ("additionalItems", "additionalItems is not supported"), ("patternProperties", "patternProperties is not supported"),
            ("definitions", "definitions is not supported"), ("dependencies", "dependencies is not supported"), ("$ref", "$ref is not supported"),
        })
        {
            if (s[keyword] is { } v && !(v is JsonObject { Count: 0 }))
            {
                errors.Add(FieldError.Forbidden(path + "." + keyword, message));
            }
        }

        if ((string?)s["type"] == "null")
        {
            errors.Add(FieldError.Forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative"));
        }

        if (s["items"] is JsonArray)
        {
            errors.Add(FieldError.Forbidden(path + ".items", "items must be a schema object and not an array"));
        }

        if (s["uniqueItems"] is JsonValue u && u.GetValueKind() == JsonValueKind.True)
        {
            errors.Add(FieldError.Forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }

        if (s["additionalProperties"] is { } ap && s["properties"] is JsonObject { Count: > 0 } && (ap is JsonObject || (ap is JsonValue b && b.GetValueKind() == JsonValueKind.False)))
        {
            errors.Add(FieldError.Forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
        }

        if ((string?)s["pattern"] is { } pattern && Re2Pattern.Error(pattern) is { } why)
        {
            errors.Add(FieldError.Invalid(path + ".pattern", pattern, "must be a valid regular expression, but isn't: " + why));
        }

        foreach (var (key, child) in s["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject c)
            {
                OpenApi(c, path + ".properties[" + key + "]", errors, SchemaLevel.Field);
            }
        }

        if (s["additionalProperties"] is JsonObject values)
        {
            OpenApi(values, path + ".additionalProperties", errors, SchemaLevel.Field);
        }

        if (s["items"] is JsonObject items)
        {
            OpenApi(items, path + ".items", errors, SchemaLevel.Item);
        }

        foreach (var junctor in new[] { "allOf", "anyOf", "oneOf" })
        {
            var list = s[junctor] as JsonArray ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject o)
                {
                    OpenApi(o, $"{path}.{junctor}[{i}]", errors, level);
                }
            }
        }

        if (s["not"] is JsonObject not)
        {
            OpenApi(not, path + ".not", errors, level);
        }
    }

    // schema.ValidateStructural: validateStructuralInvariants and the nested value validations.
    private static void Structural(JsonObject s, string path, List<FieldError> errors, SchemaLevel level)
    {
        var type = (string?)s["type"] ?? "";
        var intOrString = IsTrue(s["x-kubernetes-int-or-string"]);
        var preserve = IsTrue(s["x-kubernetes-preserve-unknown-fields"]);
        var embedded = IsTrue(s["x-kubernetes-embedded-resource"]);
        if (type == "array" && s["items"] is null)
        {
            errors.Add(FieldError.Required(path + ".items", "must be specified"));
        }

        if (s["items"] is JsonObject items)
        {
            Structural(items, path + ".items", errors, SchemaLevel.Item);
        }

        foreach (var (key, child) in s["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject c)
            {
                Structural(c, path + ".properties[" + key + "]", errors, SchemaLevel.Field);
            }
        }

        if (s["additionalProperties"] is { } ap && !(ap is JsonValue t && t.GetValueKind() == JsonValueKind.True))
        {
            if (level == SchemaLevel.Root)
            {
                errors.Add(FieldError.Forbidden(path + ".additionalProperties", "must not be used at the root"));
            }

            if (ap is JsonObject values)
            {
                Structural(values, path + ".additionalProperties", errors, SchemaLevel.Field);
            }
        }

        if (intOrString && preserve)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-preserve-unknown-fields", (JsonNode)true, "must be false if x-kubernetes-int-or-string is true"));
        }

        Junctors(s, path, errors, IsIntOrStringAnyOf(s["anyOf"]), IsIntOrStringAnyOf((s["allOf"] as JsonArray)?.FirstOrDefault()?["anyOf"]));

        if (embedded && type != "object")
        {
            errors.Add(type.Length == 0
                ? FieldError.Required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                : FieldError.Invalid(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (type.Length == 0 && !intOrString && !preserve)
        {
            errors.Add(FieldError.Required(path + ".type", level switch
            {
                SchemaLevel.Root => "must not be empty at the root",
                SchemaLevel.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }

        if (level == SchemaLevel.Root && type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(path + ".type", type, "must be object at the root"));
        }

        var checkMetadata = level == SchemaLevel.Root || embedded;
        foreach (var field in new[] { "kind", "apiVersion" })
        {
            if (checkMetadata && s["properties"]?[field] is JsonObject f && (string?)f["type"] != "string")
            {
                errors.Add(FieldError.Invalid($"{path}.properties[{field}].type", (string?)f["type"] ?? "", "must be string"));
            }
        }

        if (s["properties"]?["metadata"] is JsonObject metadata)
        {
            MetadataInvariants(metadata, checkMetadata, level, path + ".properties[metadata]", errors);
        }
    }

    // validateStructuralMetadataInvariants: at the root, metadata may be `type: object` and restrict name/generateName, nothing else.
    private static void MetadataInvariants(JsonObject metadata, bool checkMetadata, SchemaLevel level, string path, List<FieldError> errors)
    {
        var type = (string?)metadata["type"] ?? "";
        if (checkMetadata && type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(path + ".type", type, "must be object"));
        }

        if (level != SchemaLevel.Root)
        {
            return;
        }

        var rest = (JsonObject)metadata.DeepClone();
        rest.Remove("type");
        rest.Remove("default");
        if (rest["properties"] is JsonObject props)
        {
            var keys = props.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            if (keys.IsSubsetOf(["name", "generateName"]) && keys.Count > 0)
            {
                rest.Remove("properties");
            }
        }

        if (rest.Count > 0)
        {
            errors.Add(FieldError.Forbidden(path, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    // The two int-or-string exceptions: anyOf [{type: integer}, {type: string}] exactly, or that as the first allOf's anyOf.
    private static bool IsIntOrStringAnyOf(JsonNode? anyOf) =>
        anyOf is JsonArray { Count: 2 } any && any[0] is JsonObject { Count: 1 } a && any[1] is JsonObject { Count: 1 } b
        && (string?)a["type"] == "integer" && (string?)b["type"] == "string";

    private static void Junctors(JsonObject s, string path, List<FieldError> errors, bool skipAnyOf, bool skipFirstAllOfAnyOf)
    {
        foreach (var junctor in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (junctor == "anyOf" && skipAnyOf)
            {
                continue;
            }

            var list = s[junctor] as JsonArray ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject o)
                {
                    Nested(o, $"{path}.{junctor}[{i}]", errors, skipAnyOf: junctor == "allOf" && i == 0 && skipFirstAllOfAnyOf);
                }
            }
        }

        if (s["not"] is JsonObject not)
        {
            Nested(not, path + ".not", errors, skipAnyOf: false);
        }
    }

    // validateNestedValueValidation: inside allOf/anyOf/oneOf/not only value validations are allowed.
    private static void Nested(JsonObject v, string path, List<FieldError> errors, bool skipAnyOf)
    {
        Junctors(v, path, errors, skipAnyOf, skipFirstAllOfAnyOf: false);
        foreach (var (keyword, message) in new[]
        {
            ("type", "must be empty to be structural"), ("additionalProperties", "must be undefined to be structural"), ("default", "must be undefined to be structural"),
            ("title", "must be empty to be structural"), ("description", "must be empty to be structural"), ("nullable", "must be false to be structural"),
            ("externalDocs", "must be undefined to be structural"), ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
            ("x-kubernetes-embedded-resource", "must be false to be structural"), ("x-kubernetes-int-or-string", "must be false to be structural"),
            ("x-kubernetes-list-map-keys", "must be empty to be structural"), ("x-kubernetes-list-type", "must be undefined to be structural"),
            ("x-kubernetes-map-type", "must be undefined to be structural"), ("x-kubernetes-validations", "must be empty to be structural"),
        })
        {
            if (v[keyword] is { } value && !(value is JsonValue b && b.GetValueKind() == JsonValueKind.False))
            {
                errors.Add(FieldError.Forbidden(path + "." + keyword, message));
            }
        }

        if (v["properties"]?["metadata"] is not null)
        {
            errors.Add(FieldError.Forbidden(path + ".properties[metadata]", "must not be specified in a nested context"));
        }

        foreach (var (key, child) in v["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject c)
            {
                Nested(c, path + ".properties[" + key + "]", errors, skipAnyOf: false);
            }
        }

        if (v["items"] is JsonObject items)
        {
            Nested(items, path + ".items", errors, skipAnyOf: false);
        }
    }

    // defaulting/validation.go: a default must be valid against its schema and must not carry unknown fields.
    private static void Defaults(JsonObject s, string path, List<FieldError> errors, bool insideMetadata)
    {
        if (s["default"] is { } @default)
        {
            var pruned = @default.DeepClone();
            CustomResourceSchema.PruneValue(pruned, s);

            if (!JsonNode.DeepEquals(pruned, @default))
            {
                errors.Add(FieldError.Invalid(path + ".default", @default, "must not have unknown fields"));
            }
            else
            {
                // The default is validated as a document of its own whose root is named by its field path.
                CustomResourceSchema.ValidateValue(path + ".default", @default, s, errors);
            }
        }

        foreach (var (key, child) in s["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject c)
            {
                Defaults(c, path + ".properties[" + key + "]", errors, insideMetadata);
            }
        }

        if (s["additionalProperties"] is JsonObject values)
        {
            Defaults(values, path + ".additionalProperties", errors, insideMetadata);
        }

        if (s["items"] is JsonObject items)
        {
            Defaults(items, path + ".items", errors, insideMetadata);
        }
    }

    // x-kubernetes-validations: each rule compiles, fits the per-rule budget, and all together fit the per-CRD budget.
    private static void Cel(JsonObject root, string rootPath, List<FieldError> errors)
    {
        ulong total = 0;
        var expensive = new List<(string Path, ulong Cost)>();
        Walk(root, rootPath, 1, isRoot: true);
        if (total > CelCostEstimator.PerCrdLimit)
        {
            // The rules that cost at least a hundredth of the budget, the four most expensive first.
            foreach (var (p, _) in expensive.Where(e => e.Cost >= CelCostEstimator.PerCrdLimit / 100).OrderByDescending(e => e.Cost).Take(4))
            {
                errors.Add(FieldError.Forbidden(p, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"));
            }

            errors.Add(FieldError.Forbidden(rootPath, CelCostEstimator.ExceedsMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", total, CelCostEstimator.PerCrdLimit)));
        }

        void Walk(JsonObject s, string path, ulong cardinality, bool isRoot)
        {
            var rules = s["x-kubernetes-validations"] as JsonArray ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var rulePath = $"{path}.x-kubernetes-validations[{i}].rule";
                var text = (string?)rules[i]?["rule"];
                if (string.IsNullOrWhiteSpace(text))
                {
                    errors.Add(FieldError.Required(rulePath, "rule is not specified"));
                    continue;
                }

                if (CelRules.Compile(text, out var why) is null)
                {
                    errors.Add(new FieldError(FieldErrorType.Invalid, rulePath, why!, GoRule(rules[i]!.AsObject())));
                    continue;
                }

                var cost = CelCostEstimator.Multiply(CelCostEstimator.Estimate(text, s, isRoot), cardinality);
                if (cost > CelCostEstimator.PerRuleLimit)
                {
                    errors.Add(FieldError.Forbidden(rulePath, CelCostEstimator.ExceedsMessage("estimated rule cost", cost, CelCostEstimator.PerRuleLimit)));
                }

                total = total > ulong.MaxValue - cost ? ulong.MaxValue : total + cost;
                expensive.Add((rulePath, cost));
            }

            foreach (var (key, child) in s["properties"] as JsonObject ?? [])
            {
                if (child is JsonObject c && !(isRoot && key == "metadata"))
                {
                    Walk(c, path + ".properties[" + key + "]", cardinality, false);
                }
            }

            if (s["additionalProperties"] is JsonObject values)
            {
                Walk(values, path + ".additionalProperties", CelCostEstimator.Multiply(cardinality, CelSize.Cardinality(s)), false);
            }

            if (s["items"] is JsonObject items)
            {
                Walk(items, path + ".items", CelCostEstimator.Multiply(cardinality, CelSize.Cardinality(s)), false);
            }
        }
    }

    // The rule as Go's %#v prints the ValidationRule value in the field error.
    private static string GoRule(JsonObject rule) =>
        "apiextensions.ValidationRule{Rule:" + FieldError.Quote((string?)rule["rule"] ?? "") + ", Message:" + FieldError.Quote((string?)rule["message"] ?? "")
        + ", MessageExpression:" + FieldError.Quote((string?)rule["messageExpression"] ?? "") + ", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"
        + FieldError.Quote((string?)rule["fieldPath"] ?? "") + ", OptionalOldSelf:(*bool)(nil)}";

    private static string? Dns1035(string value)
    {
        if (value.Length > 63)
        {
            return "must be no more than 63 characters";
        }

        return Dns1035Label().IsMatch(value) ? null
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    }

    private static bool IsTrue(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
