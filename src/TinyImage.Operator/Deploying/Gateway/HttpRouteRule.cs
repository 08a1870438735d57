using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>One rule: its matches and the backends they go to.</summary>
internal sealed class HttpRouteRule
{
    [JsonPropertyName("matches")]
    public IList<HttpRouteMatch>? Matches { get; set; }

    [JsonPropertyName("backendRefs")]
    public IList<HttpBackendRef>? BackendRefs { get; set; }
}
