using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TinyImage.Kube;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>The HTTPRoute resource for the typed client, with the Kubernetes client's converters for its metadata.</summary>
internal static class GatewayTypes
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static JsonTypeInfo<HttpRoute> RouteInfo { get; } = (JsonTypeInfo<HttpRoute>)Options.GetTypeInfo(typeof(HttpRoute));

    public static ResourceType<HttpRoute> HttpRoutes { get; } = ResourceType<HttpRoute>.Create(
        HttpRoute.Group, HttpRoute.Version, HttpRoute.Plural, HttpRoute.KindValue, namespaced: true,
        RouteInfo, (JsonTypeInfo<HttpRouteList>)Options.GetTypeInfo(typeof(HttpRouteList)));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(GatewayJsonContext.Default, KubeJsonContext.Default),
        };
        options.MakeReadOnly();
        return options;
    }
}
