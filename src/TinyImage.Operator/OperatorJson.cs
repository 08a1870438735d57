using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using TinyImage.Api;
using TinyImage.Kube;

namespace TinyImage.Operator;

/// <summary>
/// JSON for everything the operator reads or writes: the API types (<see cref="ApiJsonContext"/>), the built-in
/// kinds (<see cref="KubeJsonContext"/>) and the Gateway API's HTTPRoute, with KubernetesClient's converters.
/// What <c>render</c> prints and the tests compare goes through here.
/// </summary>
internal static class OperatorJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The metadata for <typeparamref name="T"/>; throws when no context knows it.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>)(Options.GetTypeInfo(typeof(T)) ?? throw new NotSupportedException("No JSON metadata for " + typeof(T)));

    /// <summary>Serializes a value with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Deserializes a value with <see cref="Options"/>; throws <see cref="JsonException"/> on malformed input.</summary>
    public static T? Deserialize<T>(JsonElement json) => json.Deserialize(TypeInfo<T>());

    /// <summary>A typed object as a JSON node, e.g. for the YAML writer.</summary>
    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, TypeInfo<T>());

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ApiJsonContext.Default, KubeJsonContext.Default, Deploying.Gateway.GatewayJsonContext.Default),
        };
        options.MakeReadOnly();
        return options;
    }
}
