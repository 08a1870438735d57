using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>A match on the request path.</summary>
internal sealed class HttpRouteMatch
{
    [JsonPropertyName("path")]
    public HttpPathMatch? Path { get; set; }
}
