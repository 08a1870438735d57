using System.Text.Json.Serialization;

namespace TinyImage.Operator.Deploying.Gateway;

/// <summary>Source-generated JSON metadata of the HTTPRoute model (NativeAOT).</summary>
[JsonSerializable(typeof(HttpRoute))]
[JsonSerializable(typeof(HttpRouteList))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
