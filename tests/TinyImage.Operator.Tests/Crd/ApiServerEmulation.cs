using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;
using Json.Schema;
using TinyImage.Operator.Crd;

namespace TinyImage.Operator.Tests.Crd;

/// <summary>
/// What the API server does with a TinyImage, emulated from the generated openAPIV3Schema: apply the structural
/// defaults, validate against the schema as JSON Schema draft 2020-12 (JsonSchema.Net), and evaluate every
/// x-kubernetes-validations rule on its object with CEL (the Cel package).
/// Differences from the structural schema, all to match the API server:
/// unknown fields are refused (additionalProperties: false, as kubectl's strict field validation does);
/// a pattern's trailing <c>$</c> means the end of the text (Go RE2), not "before a final newline" (.NET);
/// Kubernetes' CEL strings extension <c>split</c> is registered as a function (the Cel package does not have it).
/// </summary>
internal sealed class ApiServerEmulation
{
    public static ApiServerEmulation Instance { get; } = new();

    private readonly JsonObject _structural;
    private readonly JsonSchema _jsonSchema;
    private readonly CelEnvironment _cel;
    private readonly Dictionary<string, CelProgramDelegate> _programs = new(StringComparer.Ordinal);

    private ApiServerEmulation()
    {
        _structural = CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();
        var draft = ToJsonSchema(_structural.DeepClone().AsObject());
        draft["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        _jsonSchema = JsonSchema.FromText(draft.ToJsonString());
        _cel = new CelEnvironment(null, null);
        _cel.RegisterFunction("split", [typeof(string), typeof(string)], args => ((string)args[0]!).Split((string)args[1]!).Cast<object?>().ToList());
    }

    /// <summary>Every CEL rule in the schema, in document order.</summary>
    public IReadOnlyList<string> Rules
    {
        get
        {
            var rules = new List<string>();
            Collect(_structural);
            return rules;

            void Collect(JsonNode? node)
            {
                switch (node)
                {
                    case JsonObject o:
                        foreach (var rule in o["x-kubernetes-validations"]?.AsArray() ?? [])
                        {
                            rules.Add((string)rule!["rule"]!);
                        }

                        foreach (var (key, value) in o)
                        {
                            if (key != "x-kubernetes-validations")
                            {
                                Collect(value);
                            }
                        }

                        break;
                    case JsonArray a:
                        foreach (var item in a)
                        {
                            Collect(item);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Schema errors and CEL rule failures; empty when the API server would accept the resource.</summary>
    public IReadOnlyList<string> Validate(JsonObject resource)
    {
        var errors = new List<string>();
        var defaulted = resource.DeepClone().AsObject();
        ApplyDefaults(_structural, defaulted);

        var result = _jsonSchema.Evaluate(JsonSerializer.SerializeToElement(defaulted), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            errors.AddRange((result.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => "schema " + d.InstanceLocation + ": " + e.Value)));
            if (errors.Count == 0)
            {
                errors.Add("schema: invalid");
            }
        }

        EvaluateRules(_structural, defaulted, "", errors);
        return errors;
    }

    /// <summary>Evaluates one rule with <c>self</c> bound to a JSON value; throws what the CEL library throws.</summary>
    public bool Evaluate(string rule, JsonNode self)
    {
        if (!_programs.TryGetValue(rule, out var program))
        {
            program = _cel.Compile(rule);
            _programs[rule] = program;
        }

        return (bool)program(new Dictionary<string, object?> { ["self"] = ToCel(self) })!;
    }

    private void EvaluateRules(JsonObject schema, JsonNode? value, string path, List<string> errors)
    {
        if (value is null)
        {
            return;
        }

        foreach (var rule in schema["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            var text = (string)rule!["rule"]!;
            try
            {
                if (!Evaluate(text, value))
                {
                    errors.Add("cel " + path + ": " + (string?)rule["message"]);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The API server reports a rule that cannot be evaluated as an invalid value too.
                errors.Add("cel " + path + ": " + text + " failed: " + e.Message);
            }
        }

        switch (value)
        {
            case JsonObject o when schema["properties"] is JsonObject properties:
                foreach (var (name, child) in o)
                {
                    if (properties[name] is JsonObject childSchema)
                    {
                        EvaluateRules(childSchema, child, path + "." + name, errors);
                    }
                }

                break;
            case JsonObject o when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (name, child) in o)
                {
                    EvaluateRules(valueSchema, child, path + "[" + name + "]", errors);
                }

                break;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < a.Count; i++)
                {
                    EvaluateRules(itemSchema, a[i], path + "[" + i + "]", errors);
                }

                break;
        }
    }

    // Structural defaulting: an absent property with a default gets it, then its own properties are defaulted.
    private static void ApplyDefaults(JsonObject schema, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject o when schema["properties"] is JsonObject properties:
                foreach (var (name, propertySchema) in properties)
                {
                    if (!o.ContainsKey(name) && propertySchema!["default"] is { } @default)
                    {
                        o[name] = @default.DeepClone();
                    }

                    if (o[name] is { } child)
                    {
                        ApplyDefaults(propertySchema!.AsObject(), child);
                    }
                }

                break;
            case JsonObject o when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (_, child) in o.ToList())
                {
                    ApplyDefaults(valueSchema, child);
                }

                break;
            case JsonArray a when schema["items"] is JsonObject itemSchema:
                foreach (var item in a)
                {
                    ApplyDefaults(itemSchema, item);
                }

                break;
        }
    }

    private static JsonObject ToJsonSchema(JsonObject schema)
    {
        foreach (var key in schema.Select(kv => kv.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
        {
            schema.Remove(key);
        }

        if (schema["pattern"] is JsonValue pattern && ((string)pattern!).EndsWith('$'))
        {
            var text = (string)pattern!;
            schema["pattern"] = text[..^1] + "(?![\\s\\S])";
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (_, child) in properties)
            {
                ToJsonSchema(child!.AsObject());
            }

            schema["additionalProperties"] = false;
        }
        else if (schema["additionalProperties"] is JsonObject values)
        {
            ToJsonSchema(values);
        }

        if (schema["items"] is JsonObject items)
        {
            ToJsonSchema(items);
        }

        return schema;
    }

    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonSerializer.SerializeToElement(v) is var n && n.TryGetInt64(out var l) ? l : n.GetDouble(),
            _ => null,
        },
        _ => null,
    };
}
