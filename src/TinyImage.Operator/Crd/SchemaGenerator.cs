using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using TinyImage.Api;

namespace TinyImage.Operator.Crd;

/// <summary>
/// Turns the source-generated JSON metadata of the API types into a Kubernetes structural schema (OpenAPI v3):
/// properties with their JSON names, descriptions from the XML documentation, and the schema markers of
/// Api/SchemaAttributes.cs. No reflection-based serialization: only <see cref="JsonTypeInfo"/> and attributes.
/// </summary>
internal sealed class SchemaGenerator(JsonSerializerOptions options, ApiDocs docs)
{
    /// <summary>The schema of a type, described by the type's own summary.</summary>
    public JsonObject ForType(Type type) => Schema(type, property: null, docs.ForType(type));

    private JsonObject Schema(Type declared, JsonPropertyInfo? property, string? description)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        var schema = new JsonObject();
        if (description is not null)
        {
            schema["description"] = description;
        }

        if (type == typeof(string))
        {
            schema["type"] = "string";
            ApplyStringMarkers(schema, property);
        }
        else if (type == typeof(bool))
        {
            schema["type"] = "boolean";
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            schema["type"] = "integer";
            schema["format"] = type == typeof(int) ? "int32" : "int64";
            if (SchemaMarkers.Attribute<RangeAttribute>(property) is { } range)
            {
                schema["minimum"] = range.Minimum;
                schema["maximum"] = range.Maximum;
            }
        }
        else if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            schema["type"] = "string";
            schema["format"] = "date-time";
        }
        else if (type == typeof(ResourceQuantity))
        {
            schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
            schema["pattern"] = SchemaMarkers.QuantityPattern;
            schema["x-kubernetes-int-or-string"] = true;
        }
        else if (type == typeof(V1ObjectMeta))
        {
            // The API server owns ObjectMeta: at the root a CRD may say `type: object` and restrict name/generateName,
            // nothing else, not even a description (apiextensions' validateStructuralMetadataInvariants refuses the CRD).
            schema.Remove("description");
            schema["type"] = "object";
        }
        else
        {
            ComplexSchema(schema, options.GetTypeInfo(type), property, description);
        }

        if (SchemaMarkers.Attribute<DefaultAttribute>(property) is { } @default)
        {
            schema["default"] = JsonNode.Parse(@default.Json);
        }

        return schema;
    }

    private void ComplexSchema(JsonObject schema, JsonTypeInfo info, JsonPropertyInfo? property, string? description)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable when info.ElementType == typeof(V1Condition):
                ConditionSchema.Apply(schema);
                break;
            case JsonTypeInfoKind.Enumerable:
                schema["type"] = "array";
                var items = Schema(info.ElementType!, property: null, description: null);
                if (SchemaMarkers.Attribute<PatternAttribute>(property) is { } itemPattern)
                {
                    items["pattern"] = itemPattern.Pattern;
                }

                if (SchemaMarkers.Attribute<EnumValuesAttribute>(property) is { } itemEnum)
                {
                    items["enum"] = new JsonArray([.. itemEnum.Values.Select(v => (JsonNode)v)]);
                }

                schema["items"] = items;
                if (SchemaMarkers.Attribute<MaxLengthAttribute>(property) is { } maxItems)
                {
                    schema["maxItems"] = maxItems.Length;
                }

                break;
            case JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string):
                schema["type"] = "object";
                schema["additionalProperties"] = Schema(info.ElementType!, property: null, description: null);
                break;
            case JsonTypeInfoKind.Object:
                ObjectSchema(schema, info, description);
                break;
            default:
                throw new NotSupportedException("No schema mapping for " + info.Type + " (" + info.Kind + ")");
        }
    }

    private void ObjectSchema(JsonObject schema, JsonTypeInfo info, string? description)
    {
        if (description is null && docs.ForType(info.Type) is { } typeDoc)
        {
            schema["description"] = typeDoc;
        }

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in info.Properties)
        {
            properties[property.Name] = Schema(property.PropertyType, property, docs.ForProperty(property));
            if (SchemaMarkers.Attribute<RequiredAttribute>(property) is not null)
            {
                required.Add(property.Name);
            }
        }

        schema["type"] = "object";
        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Order(StringComparer.Ordinal).Select(r => (JsonNode)r)]);
        }

        var rules = SchemaMarkers.CelRules(info.Type);
        if (rules.Count > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject { ["message"] = r.Message, ["rule"] = r.Rule })]);
        }
    }

    private static void ApplyStringMarkers(JsonObject schema, JsonPropertyInfo? property)
    {
        if (SchemaMarkers.Attribute<EnumValuesAttribute>(property) is { } values)
        {
            schema["enum"] = new JsonArray([.. values.Values.Select(v => (JsonNode)v)]);
        }

        if (SchemaMarkers.Attribute<PatternAttribute>(property) is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (SchemaMarkers.Attribute<MaxLengthAttribute>(property) is { } maxLength)
        {
            schema["maxLength"] = maxLength.Length;
        }

        if (SchemaMarkers.Attribute<RequiredAttribute>(property) is not null)
        {
            schema["minLength"] = 1;
        }
    }
}
