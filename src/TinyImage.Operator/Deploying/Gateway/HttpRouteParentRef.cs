using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>A parentRef: the Gateway (and listener) the route attaches to.</summary>
internal sealed class HttpRouteParentRef
{
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("sectionName")]
    public string? SectionName { get; set; }
}
