using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.KubeEmulator.FieldValidation;

/// <summary>
/// The field names of the built-in kinds, read from KubernetesClient's models (generated from the Kubernetes OpenAPI
/// document, so their JSON names are the Go types' json tags). Used to find unknown fields as the API server's strict
/// decoder does for typed objects.
/// </summary>
internal static class BuiltInFields
{
    private static readonly Lazy<Dictionary<(string ApiVersion, string Kind), Type>> Kinds = new(Index);
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> Properties = new();
    private static readonly ConcurrentDictionary<Type, (ShapeKind Kind, Type? Element)> Shapes = new();

    /// <summary>The model of a kind, or null when the models have none.</summary>
    public static Type? TypeOf(string apiVersion, string kind) => Kinds.Value.GetValueOrDefault((apiVersion, kind));

    /// <summary>The JSON properties of a model type and their types.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "KubernetesClient.Aot is a TrimmerRootAssembly of this project: its models keep every type, property, interface and attribute.")]
    public static IReadOnlyDictionary<string, Type> PropertiesOf(Type type) => Properties.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null)
            .GroupBy(p => p.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().PropertyType, StringComparer.Ordinal));

    /// <summary>What a property type is, for the walk: an object model, a map, a list, or a scalar (found by reflection once per type).</summary>
    public static (ShapeKind Kind, Type? Element) Shape(Type type) => Shapes.GetOrAdd(type, ShapeOf);

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "KubernetesClient.Aot is a TrimmerRootAssembly of this project: its models keep every type, property, interface and attribute.")]
    private static (ShapeKind Kind, Type? Element) ShapeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(DateTime) || type == typeof(DateTimeOffset)
            || type == typeof(decimal) || type == typeof(byte[]) || type == typeof(ResourceQuantity) || type == typeof(IntOrString))
        {
            return (ShapeKind.Scalar, null);
        }

        if (type == typeof(object) || type == typeof(System.Text.Json.JsonElement))
        {
            return (ShapeKind.Any, null);
        }

        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            return (ShapeKind.Map, dictionary.GetGenericArguments()[1]);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>)
                ? type
                : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>));
            return (ShapeKind.List, list?.GetGenericArguments()[0] ?? typeof(object));
        }

        return PropertiesOf(type).Count > 0 ? (ShapeKind.Object, type) : (ShapeKind.Any, null);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "KubernetesClient.Aot is a TrimmerRootAssembly of this project: its models keep every type, property, interface and attribute.")]
    private static Dictionary<(string, string), Type> Index()
    {
        var result = new Dictionary<(string, string), Type>();
        foreach (var type in typeof(V1ConfigMap).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<KubernetesEntityAttribute>() is { } entity && !string.IsNullOrEmpty(entity.Kind))
            {
                var apiVersion = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : entity.Group + "/" + entity.ApiVersion;
                result.TryAdd((apiVersion, entity.Kind), type);
            }
        }

        return result;
    }
}

/// <summary>The shape of a field's type.</summary>
internal enum ShapeKind
{
    /// <summary>A string, number, bool, quantity or int-or-string.</summary>
    Scalar,

    /// <summary>A map with free keys.</summary>
    Map,

    /// <summary>A list.</summary>
    List,

    /// <summary>A struct with known fields.</summary>
    Object,

    /// <summary>Anything (raw JSON).</summary>
    Any,
}
