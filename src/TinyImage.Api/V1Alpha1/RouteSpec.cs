using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// Exposes the Service under a hostname: a Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) or an `Ingress`
/// (networking.k8s.io/v1) named like the TinyImage. The hostname must be allowed by the operator's administrator
/// (operator flag `--route-hostnames`; none is allowed by default), else the TinyImage stalls with PolicyDenied.
/// </summary>
[CelRule("(self.kind == 'HTTPRoute') == has(self.gateway) && (self.kind == 'Ingress' || !has(self.ingressClassName))", "an HTTPRoute needs gateway and takes no ingressClassName; an Ingress takes no gateway")]
public sealed class RouteSpec
{
    public const string KindHttpRoute = "HTTPRoute";
    public const string KindIngress = "Ingress";

    /// <summary>`HTTPRoute` or `Ingress`.</summary>
    [JsonPropertyName("kind")]
    [Required]
    [EnumValues(KindHttpRoute, KindIngress)]
    public string Kind { get; set; } = KindHttpRoute;

    /// <summary>The fully qualified host name, e.g. `hello.apps.example.com` (no wildcard).</summary>
    [JsonPropertyName("hostname")]
    [Required]
    [Pattern(Patterns.Hostname)]
    [MaxLength(253)]
    public string Hostname { get; set; } = "";

    /// <summary>The path prefix routed to the Service.</summary>
    [JsonPropertyName("path")]
    [Pattern(Patterns.HttpPathPrefix)]
    [MaxLength(1024)]
    [Default("\"/\"")]
    public string Path { get; set; } = "/";

    /// <summary>The Gateway the HTTPRoute attaches to (HTTPRoute only).</summary>
    [JsonPropertyName("gateway")]
    public GatewayParentRef? Gateway { get; set; }

    /// <summary>The IngressClass (Ingress only); without it the cluster's default class applies.</summary>
    [JsonPropertyName("ingressClassName")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? IngressClassName { get; set; }
}
