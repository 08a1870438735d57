using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>A backendRef: a Service in the route's namespace and its port (group "" and kind Service are the API's defaults).</summary>
internal sealed class HttpBackendRef
{
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("port")]
    public int? Port { get; set; }

    [JsonPropertyName("weight")]
    public int? Weight { get; set; }
}
