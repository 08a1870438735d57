using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>A list of HTTPRoutes.</summary>
internal sealed class HttpRouteList : IKubernetesObject<V1ListMeta>, IItems<HttpRoute>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = HttpRoute.Group + "/" + HttpRoute.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "HTTPRouteList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<HttpRoute> Items { get; set; } = [];
}
