using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>A Gateway API HTTPRoute (gateway.networking.k8s.io/v1): only the fields the operator writes.</summary>
internal sealed class HttpRoute : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "gateway.networking.k8s.io";
    public const string Version = "v1";
    public const string KindValue = "HTTPRoute";
    public const string Plural = "httproutes";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindValue;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public HttpRouteSpec Spec { get; set; } = new();
}
