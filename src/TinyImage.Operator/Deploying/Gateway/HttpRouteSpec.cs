using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>The HTTPRoute spec: the parent Gateway, the hostnames, the rules.</summary>
internal sealed class HttpRouteSpec
{
    [JsonPropertyName("parentRefs")]
    public IList<HttpRouteParentRef>? ParentRefs { get; set; }

    [JsonPropertyName("hostnames")]
    public IList<string>? Hostnames { get; set; }

    [JsonPropertyName("rules")]
    public IList<HttpRouteRule>? Rules { get; set; }
}
