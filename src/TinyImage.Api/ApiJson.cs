using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace TinyImage.Api;

/// <summary>
/// JSON options for the API types and the KubernetesClient models they reach (metadata, conditions, tolerations...):
/// KubernetesClient's converters (RFC 3339 times, quantities) and source-generated metadata. AOT-safe. Other models
/// (a Job, a Deployment) are the controller runtime's (<c>TinyImage.Kube.KubeJsonContext</c>); the operator's
/// <c>OperatorJson</c> knows both. Not KubernetesClient's own context: touching it links all of its 828 models.
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes a value with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Deserializes a value with <see cref="Options"/>; throws <see cref="JsonException"/> on malformed input.</summary>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize(json, TypeInfo<T>());

    /// <summary>Deserializes a value with <see cref="Options"/>; throws <see cref="JsonException"/> on malformed input.</summary>
    public static T? Deserialize<T>(JsonElement json) => json.Deserialize(TypeInfo<T>());

    /// <summary>A typed object (an API type or a KubernetesClient model) as a JSON node, e.g. for the YAML writer.</summary>
    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, TypeInfo<T>());

    /// <summary>The metadata for <typeparamref name="T"/>; throws when the API's context does not know it.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>)(Options.GetTypeInfo(typeof(T)) ?? throw new NotSupportedException("No JSON metadata for " + typeof(T)));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options) { TypeInfoResolver = ApiJsonContext.Default };
        options.MakeReadOnly();
        return options;
    }
}
